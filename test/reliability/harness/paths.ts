import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The project root and the compiled entry points `npm start` and `npm run sandbox` run. */
export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const BOT_MAIN = join(ROOT, 'dist', 'bot', 'main.js');
export const SANDBOX_CLI = join(ROOT, 'dist', 'sandbox', 'cli.js');
/**
 * Preloaded (node --import) into every child the harness starts, which gets an IPC channel for it (stdio
 * ['ignore', 'pipe', 'pipe', 'ipc']): when the test process goes away, even by SIGKILL, the channel closes
 * and the child ends at once, so no bot or sandbox outlives a test run. The channel is unref'd, so it keeps
 * nothing alive; the bot itself never uses it.
 */
const WATCH_SOURCE =
  'if (process.channel) { process.channel.unref(); ' +
  "process.once('disconnect', () => process.kill(process.pid, 'SIGKILL')); }";
export const PARENT_WATCH = ['--import', `data:text/javascript,${encodeURIComponent(WATCH_SOURCE)}`];

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value other than undefined; fails after `timeoutMs` naming `what`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${String(timeoutMs)} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
