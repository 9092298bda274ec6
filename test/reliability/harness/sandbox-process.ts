import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { SandboxUser } from '../../../sandbox/model.js';
import type { RequestRecord } from '../../../sandbox/inspection.js';
import type { FaultOptions } from '../../../sandbox/options.js';
import { PARENT_WATCH, ROOT, SANDBOX_CLI } from './paths.js';

/**
 * The sandbox tenant in a child process of its own (`node dist/sandbox/cli.js`), so it outlives every bot
 * process the test kills. Inspection goes over HTTP (/_sandbox/…, enabled with --expose-inspection).
 *
 * The sandbox keeps only its last 10,000 requests, so `requestLog()` polls in the background and keeps
 * every record it saw: long runs are counted in full.
 */

export interface SandboxProcessOptions {
  /** S, M, L, demo or a user count; default 'S' (25 users). */
  size?: string;
  seed?: number;
  timeScale?: number;
  /** Default 'published' (Microsoft's limits). */
  throttling?: 'published' | 'off';
  /** Latency on every request, e.g. { minMs: 50, maxMs: 150 }; default none. */
  latency?: { minMs: number; maxMs: number };
  /** Seats bought before the run, e.g. { SPE_E3: 1000 }. */
  addSeats?: { skuPartNumber: string; seats: number };
}

export interface SandboxProcess {
  /** The JSON line the CLI printed: the bot's GRAPH_SANDBOX_CONNECTION. */
  readonly connectionJson: string;
  /** http://127.0.0.1:P/ */
  readonly baseUrl: string;
  readonly pid: number;
  /** Active users (with assignedLicenses, accountEnabled, …). */
  users(): Promise<SandboxUser[]>;
  /** Every request the sandbox answered since start (or since clearRequests), however many. */
  requests(): Promise<RequestRecord[]>;
  /** Forgets the recorded requests here and in the sandbox, and refills its throttling buckets. */
  clearRequests(): Promise<void>;
  setFaults(faults: Partial<FaultOptions>): Promise<FaultOptions>;
  revokeTokens(): Promise<void>;
  close(): Promise<void>;
}

const connectionSchema = z.object({ graphBaseUrl: z.string() }).loose();

function cliArgs(options: SandboxProcessOptions): string[] {
  const args = ['--size', options.size ?? 'S', '--seed', String(options.seed ?? 1), '--expose-inspection'];
  args.push('--throttling', options.throttling ?? 'published');
  if (options.timeScale !== undefined) args.push('--time-scale', String(options.timeScale));
  if (options.latency !== undefined)
    args.push('--latency', `${String(options.latency.minMs)}-${String(options.latency.maxMs)}`);
  if (options.addSeats !== undefined)
    args.push('--add-seats', `${options.addSeats.skuPartNumber}=${String(options.addSeats.seats)}`);
  return args;
}

function firstLine(child: ChildProcess, stdout: Readable, stderr: () => string) {
  return new Promise<string>((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const end = buffered.indexOf('\n');
      if (end < 0) return;
      stdout.off('data', onData);
      resolve(buffered.slice(0, end));
    };
    stdout.on('data', onData);
    child.once('exit', (code) => {
      reject(new Error(`the sandbox exited (${String(code)}) before it printed its connection: ${stderr()}`));
    });
  });
}

async function inspect<T>(baseUrl: string, name: string, init?: { body: unknown }): Promise<T> {
  const response = await fetch(`${baseUrl}_sandbox/${name}`, {
    method: init === undefined ? 'GET' : 'POST',
    ...(init === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`sandbox ${name}: ${String(response.status)} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

const recordKey = (record: RequestRecord) =>
  `${record.requestId}|${record.batchItemId ?? ''}|${record.time}|${record.method}|${record.path}`;

/** Accumulates the sandbox's bounded request log by polling it. */
function requestCollector(baseUrl: string) {
  const seen = new Map<string, RequestRecord>();
  let polling: Promise<void> = Promise.resolve();
  const poll = (): Promise<void> => {
    polling = polling
      .then(async () => {
        const { value } = await inspect<{ value: RequestRecord[] }>(baseUrl, 'requests');
        for (const record of value) seen.set(recordKey(record), record);
      })
      .catch(() => undefined);
    return polling;
  };
  const timer = setInterval(() => void poll(), 1000);
  timer.unref();
  return {
    async all() {
      await poll();
      return [...seen.values()];
    },
    async clear() {
      await polling;
      await inspect(baseUrl, 'reset', { body: {} });
      seen.clear();
    },
    stop: () => {
      clearInterval(timer);
      return polling;
    },
  };
}

/** Starts `node dist/sandbox/cli.js` with these options and waits for its connection line. */
export async function startSandboxProcess(options: SandboxProcessOptions = {}): Promise<SandboxProcess> {
  const child = spawn(process.execPath, [...PARENT_WATCH, SANDBOX_CLI, ...cliArgs(options)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  const { stdout } = child;
  if (stdout === null) throw new Error('the sandbox process has no stdout');
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  const connectionJson = await firstLine(child, stdout, () => stderr);
  const baseUrl = connectionSchema.parse(JSON.parse(connectionJson)).graphBaseUrl;
  const collector = requestCollector(baseUrl);
  return {
    connectionJson,
    baseUrl,
    pid: child.pid ?? 0,
    users: async () => (await inspect<{ value: SandboxUser[] }>(baseUrl, 'users')).value,
    requests: () => collector.all(),
    clearRequests: () => collector.clear(),
    setFaults: (faults) => inspect<FaultOptions>(baseUrl, 'faults', { body: faults }),
    revokeTokens: () => inspect<undefined>(baseUrl, 'revoke-tokens', { body: {} }),
    async close() {
      await collector.stop();
      child.kill('SIGTERM');
      await exited;
    },
  };
}
