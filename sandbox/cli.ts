/**
 * `npm run sandbox -- [--port N] [--size S|M|L|demo|<users>] [--seed N] [--time-scale X]`
 *   (for tests in other processes: `[--throttling published|off] [--latency MIN-MAX] [--add-seats SKU=N]
 *   [--expose-inspection]`)
 *
 * Starts the loopback Graph sandbox on 127.0.0.1 and prints, as the first line on stdout, one JSON object:
 * the connection settings a client needs (graph base URL, authority settings, tenant id, client id and
 * secret). Human-readable lines go to stderr. Runs until SIGINT or SIGTERM, then closes and exits 0.
 * A bad argument prints one sentence on stderr and exits 2.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { MAX_SEED_USERS, userCountFor } from './seed/generator.js';
import { startSandbox, type Sandbox } from './server.js';

export const USAGE = 'npm run sandbox -- [--port N] [--size S|M|L|demo|<users>] [--seed N] [--time-scale X]';
const EXAMPLE = 'npm run sandbox -- --size M --port 4010';
/** Exit code for a bad command line (as sysexits' EX_USAGE-style tools and node's own parseArgs users do). */
export const EXIT_USAGE = 2;
/** How long close() may take after a signal before the process exits anyway. */
const CLOSE_GRACE_MS = 5_000;

const sizeSchema = z.string().transform((text, context) => {
  const preset = text.toUpperCase();
  if (preset === 'S' || preset === 'M' || preset === 'L') return preset;
  if (text.toLowerCase() === 'demo') return 'demo' as const;
  const count = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isInteger(count) && count <= MAX_SEED_USERS) return count;
  context.addIssue({
    code: 'custom',
    message: `--size must be S, M, L, demo or a user count from 0 to ${String(MAX_SEED_USERS)}, got "${text}"`,
  });
  return z.NEVER;
});

const integerText = (flag: string, min: number, max: number) =>
  z.string().transform((text, context) => {
    const value = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (Number.isSafeInteger(value) && value >= min && value <= max) return value;
    context.addIssue({
      code: 'custom',
      message: `${flag} must be an integer from ${String(min)} to ${String(max)}, got "${text}"`,
    });
    return z.NEVER;
  });

const timeScaleSchema = z.string().transform((text, context) => {
  const value = /^\d+(\.\d+)?$|^\.\d+$/.test(text) ? Number(text) : Number.NaN;
  if (value > 0 && Number.isFinite(value)) return value;
  context.addIssue({
    code: 'custom',
    message: `--time-scale must be a positive number of sandbox seconds per real second, got "${text}"`,
  });
  return z.NEVER;
});

const latencySchema = z.string().transform((text, context) => {
  const match = /^(\d+)-(\d+)$/.exec(text);
  const [minMs, maxMs] = [Number(match?.[1]), Number(match?.[2])];
  if (match !== null && minMs <= maxMs) return { minMs, maxMs };
  context.addIssue({
    code: 'custom',
    message: `--latency must be MIN-MAX milliseconds with MIN ≤ MAX, such as 50-150, got "${text}"`,
  });
  return z.NEVER;
});

/** `SPE_E3=1000`: seats an admin bought (Graph has no API for purchases), added to the seeded subscription. */
const seatsSchema = z.string().transform((text, context) => {
  const match = /^([A-Za-z0-9_.-]{1,100})=(\d{1,7})$/.exec(text);
  if (match?.[1] !== undefined) return { skuPartNumber: match[1], seats: Number(match[2]) };
  context.addIssue({
    code: 'custom',
    message: `--add-seats must be SKU=N such as SPE_E3=1000, got "${text}"`,
  });
  return z.NEVER;
});

// The options after time-scale are for tests that run the sandbox in a process of its own; absent unless given.
const cliSchema = z.object({
  port: integerText('--port', 0, 65535).default(0),
  size: sizeSchema.default('S'),
  seed: integerText('--seed', -2_147_483_648, 4_294_967_295).default(1),
  timeScale: timeScaleSchema.default(1),
  throttling: z.enum(['published', 'off'], { error: '--throttling must be published or off' }).optional(),
  latency: latencySchema.optional(),
  addSeats: seatsSchema.optional(),
  exposeInspection: z.literal(true).optional(),
});
export type CliOptions = z.output<typeof cliSchema>;

export type CliParse = { ok: true; options: CliOptions } | { ok: false; message: string };

/** node:util parseArgs explains over several lines; keep its first sentence, reworded where it is obscure. */
function describeParseError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const ambiguous = /^Option '(--[\w-]+)[^']*' argument is ambiguous/.exec(text);
  if (ambiguous)
    return `Option '${ambiguous[1] ?? ''}' needs its value written as ${ambiguous[1] ?? ''}=<value> when it starts with '-'`;
  const firstLine = text.split('\n')[0] ?? text;
  return (firstLine.split('. ')[0] ?? firstLine).replace(/\.$/, '');
}

/** Parses the arguments after `cli.js`; on failure `message` is one sentence with the problem and an example. */
export function parseCliArgs(args: readonly string[]): CliParse {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        size: { type: 'string' },
        seed: { type: 'string' },
        'time-scale': { type: 'string' },
        throttling: { type: 'string' },
        latency: { type: 'string' },
        'add-seats': { type: 'string' },
        'expose-inspection': { type: 'boolean' },
      },
    }));
  } catch (error) {
    return { ok: false, message: `${describeParseError(error)}; usage: ${USAGE}, e.g. ${EXAMPLE}.` };
  }
  const parsed = cliSchema.safeParse({
    port: values['port'],
    size: values['size'],
    seed: values['seed'],
    timeScale: values['time-scale'],
    throttling: values['throttling'],
    latency: values['latency'],
    addSeats: values['add-seats'],
    exposeInspection: values['expose-inspection'],
  });
  if (!parsed.success) {
    const reason = parsed.error.issues[0]?.message ?? 'invalid arguments';
    return { ok: false, message: `Invalid argument: ${reason}; e.g. ${EXAMPLE}.` };
  }
  return { ok: true, options: parsed.data };
}

/** Adds seats to a seeded subscription, as an admin buys them; false when the tenant has no such SKU. */
function buySeats(sandbox: Sandbox, skuPartNumber: string, seats: number): boolean {
  const sku = sandbox.store.licenses.skus.find((candidate) => candidate.skuPartNumber === skuPartNumber);
  if (sku === undefined) return false;
  sku.enabledUnits += seats;
  return true;
}

async function main(args: readonly string[]): Promise<void> {
  const parsed = parseCliArgs(args);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  const { port, size, seed, timeScale, throttling, latency, addSeats, exposeInspection } = parsed.options;
  const sandbox = await startSandbox({
    port,
    size,
    seed,
    timeScale,
    ...(throttling === undefined ? {} : { throttling }),
    ...(latency === undefined ? {} : { faults: { latency } }),
    ...(exposeInspection === undefined ? {} : { exposeInspection }),
  });
  if (addSeats !== undefined && !buySeats(sandbox, addSeats.skuPartNumber, addSeats.seats)) {
    process.stderr.write(
      `The sandbox tenant has no ${addSeats.skuPartNumber} subscription to add seats to.\n`,
    );
    await sandbox.close();
    process.exitCode = EXIT_USAGE;
    return;
  }
  // The first stdout line is the machine-readable contract; everything for humans goes to stderr.
  process.stdout.write(`${JSON.stringify(sandbox.connection())}\n`);
  const users = userCountFor(size);
  process.stderr.write(
    `Graph sandbox running: ${String(users)} users (size ${String(size)}, seed ${String(seed)}, time scale ${String(timeScale)}).\n` +
      'The JSON line on stdout holds the connection settings. Press Ctrl+C to stop.\n',
  );

  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    process.stderr.write(`${signal} received, closing the sandbox.\n`);
    const forceExit = setTimeout(() => {
      process.stderr.write(
        `The sandbox did not close within ${String(CLOSE_GRACE_MS)} ms; exiting anyway.\n`,
      );
      process.exit(1);
    }, CLOSE_GRACE_MS);
    forceExit.unref();
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(
          `Closing the sandbox failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(
      `The sandbox failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}
