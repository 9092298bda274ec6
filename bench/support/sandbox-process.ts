import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The sandbox tenant in a process of its own (`node dist/sandbox/cli.js`, what `npm run sandbox` runs), for a
 * benchmark that measures the bot's own event loop: in production Microsoft Graph is not on it. The bot reaches
 * it through the JSON line the CLI prints first (GRAPH_SANDBOX_CONNECTION).
 */

export interface SandboxProcessOptions {
  /** S, M, L, demo or a user count. */
  size: string;
  /** Uniform latency on every request and $batch item (the sandbox's faults.latency). */
  latency: { minMs: number; maxMs: number };
  timeScale: number;
}

export interface SandboxProcess {
  /** The CLI's first stdout line: the bot's GRAPH_SANDBOX_CONNECTION. */
  readonly connectionJson: string;
  readonly pid: number;
  close(): Promise<void>;
}

const CLI = fileURLToPath(new URL('../../sandbox/cli.js', import.meta.url));

/**
 * Preloaded into the child, which gets an IPC channel for it: when the benchmark's process goes away, even by
 * SIGKILL, the channel closes and the sandbox ends with it. Unref'd, so it keeps the sandbox alive no longer.
 */
const PARENT_WATCH =
  'if (process.channel) { process.channel.unref(); ' +
  "process.once('disconnect', () => process.kill(process.pid, 'SIGKILL')); }";

const connectionLineSchema = z.string().refine((line) => {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
}, 'the sandbox printed no connection line');

export async function startSandboxProcess(options: SandboxProcessOptions): Promise<SandboxProcess> {
  const { latency } = options;
  const args = ['--size', options.size, '--time-scale', String(options.timeScale)];
  args.push('--latency', `${String(latency.minMs)}-${String(latency.maxMs)}`);
  const child = spawn(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(PARENT_WATCH)}`, CLI, ...args],
    { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const firstLine = new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const end = buffered.indexOf('\n');
      if (end >= 0) resolve(buffered.slice(0, end));
    });
    void exited.then((code) => {
      reject(new Error(`the sandbox exited (${String(code)}) before it was ready: ${stderr.trim()}`));
    });
  });
  const connectionJson = connectionLineSchema.parse(await firstLine);
  return {
    connectionJson,
    pid: child.pid ?? 0,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
