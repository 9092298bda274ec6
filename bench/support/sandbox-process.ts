import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../../storage/devdb/project-root.js';
import { PARENT_WATCH } from './parent-watch.js';

/**
 * The sandbox tenant in a process of its own (`node dist/sandbox/cli.js`, what `npm run sandbox` runs): for a
 * benchmark that measures the bot's own event loop (in production Microsoft Graph is not on it) and for the
 * reliability suite, whose tenant must outlive every bot process a test kills. The bot reaches it through the
 * JSON line the CLI prints first (GRAPH_SANDBOX_CONNECTION).
 */

export interface SandboxProcessOptions {
  /** S, M, L, demo or a user count; default 'S'. */
  size?: string;
  seed?: number;
  timeScale?: number;
  /** Default 'published' (Microsoft's limits). */
  throttling?: 'published' | 'off';
  /** Uniform latency on every request and $batch item (the sandbox's faults.latency); default none. */
  latency?: { minMs: number; maxMs: number };
  /** Seats bought before the run, e.g. { skuPartNumber: 'SPE_E3', seats: 1000 }. */
  addSeats?: { skuPartNumber: string; seats: number };
  /** Serve /_sandbox/… (requests, users, faults, reset) for the caller to inspect the tenant. */
  exposeInspection?: boolean;
}

export interface SandboxChild {
  /** The CLI's first stdout line: the bot's GRAPH_SANDBOX_CONNECTION. */
  readonly connectionJson: string;
  /** The connection's graphBaseUrl (http://127.0.0.1:P/…). */
  readonly baseUrl: string;
  readonly pid: number;
  /** SIGTERM, resolved once the process is gone. */
  close(): Promise<void>;
}

/** The compiled CLI (`npm run build`), whether this module runs compiled or from source under jest. */
const CLI = join(projectRoot(), 'dist', 'sandbox', 'cli.js');

const connectionSchema = z.object({ graphBaseUrl: z.string().min(1) }).loose();

function cliArgs(options: SandboxProcessOptions): string[] {
  const args = ['--size', options.size ?? 'S', '--throttling', options.throttling ?? 'published'];
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (options.timeScale !== undefined) args.push('--time-scale', String(options.timeScale));
  if (options.latency !== undefined)
    args.push('--latency', `${String(options.latency.minMs)}-${String(options.latency.maxMs)}`);
  if (options.addSeats !== undefined)
    args.push('--add-seats', `${options.addSeats.skuPartNumber}=${String(options.addSeats.seats)}`);
  if (options.exposeInspection === true) args.push('--expose-inspection');
  return args;
}

function firstLine(child: ChildProcess, stdout: Readable, stderr: () => string): Promise<string> {
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

/** Starts the sandbox CLI with these options and waits for its connection line. */
export async function startSandboxProcess(options: SandboxProcessOptions = {}): Promise<SandboxChild> {
  const child = spawn(process.execPath, [...PARENT_WATCH, CLI, ...cliArgs(options)], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const { stdout } = child;
  if (stdout === null) throw new Error('the sandbox process has no stdout');
  const connectionJson = await firstLine(child, stdout, () => stderr);
  let baseUrl: string;
  try {
    baseUrl = connectionSchema.parse(JSON.parse(connectionJson)).graphBaseUrl;
  } catch {
    child.kill('SIGKILL');
    throw new Error(`the sandbox printed no connection line: ${connectionJson}`);
  }
  return {
    connectionJson,
    baseUrl,
    pid: child.pid ?? 0,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
