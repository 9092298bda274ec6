import { spawn } from 'node:child_process';
import { jsonRecords, waitFor } from '../../support/wait.js';
import { PARENT_WATCH } from '../../../bench/support/parent-watch.js';
import { BOT_MAIN, ROOT } from './paths.js';

/**
 * The bot as `npm start` runs it: `node dist/bot/main.js` in a child process with exactly the given
 * environment (plus PATH and HOME), JSON logs captured line by line. The only addition is a preloaded
 * watchdog (parent-watch.cjs) that ends the bot if the test process dies, so no bot outlives a test run. One BotProcess is one life of the bot;
 * `BotHandle.restart()` starts the next life with the same environment and port.
 */

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BotLife {
  readonly pid: number;
  /** stdout and stderr lines of this life, in order. */
  readonly lines: string[];
  /** The lines that are pino JSON records. */
  records(): Record<string, unknown>[];
  readonly exited: Promise<ExitStatus>;
  /** Whether the process has exited. */
  dead(): boolean;
}

export interface BotHandle {
  /** A short name for logs ("bot", "replica-b"). */
  readonly name: string;
  /** http://127.0.0.1:P — the same in every life. */
  readonly url: string;
  readonly port: number;
  readonly env: Readonly<Record<string, string>>;
  /** The current life (the newest started). */
  readonly life: BotLife;
  /** Every life so far, oldest first. */
  readonly lives: readonly BotLife[];
  /** Resolves when GET /readyz answers 200 (fails early if the process dies). */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGKILL: no shutdown code runs. Resolves once the process is gone. */
  kill(): Promise<ExitStatus>;
  /** SIGTERM: graceful stop. Resolves with the exit status. */
  stop(): Promise<ExitStatus>;
  /** Starts the next life (same env and port) and waits until it is ready. The current one must be dead. */
  restart(timeoutMs?: number): Promise<void>;
}

function startLife(env: Record<string, string>, echo: ((line: string) => void) | undefined): BotLife {
  const child = spawn(process.execPath, [...PARENT_WATCH, BOT_MAIN], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const lines: string[] = [];
  let partial = '';
  const collect = (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      if (!line.trim()) continue;
      lines.push(line);
      echo?.(line);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let isDead = false;
  const exited = new Promise<ExitStatus>((resolve) =>
    child.once('close', (code, signal) => {
      isDead = true;
      resolve({ code, signal });
    }),
  );
  return {
    pid: child.pid ?? 0,
    lines,
    records: () => jsonRecords(lines),
    exited,
    dead: () => isDead,
  };
}

async function readyzStatus(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
    await response.text();
    return response.status;
  } catch {
    return undefined;
  }
}

const running = new Set<BotLife>();

/** SIGKILLs every bot life still running (for afterAll). */
export async function killAllBots(): Promise<void> {
  const lives = [...running];
  for (const life of lives) {
    try {
      process.kill(life.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  await Promise.all(lives.map((life) => life.exited));
}

export function createBotHandle(input: {
  name: string;
  port: number;
  env: Record<string, string>;
  echo?: (line: string) => void;
}): BotHandle {
  const { name, port } = input;
  const env = { ...input.env, PORT: String(port) };
  const url = `http://127.0.0.1:${String(port)}`;
  const lives: BotLife[] = [];
  const begin = (): BotLife => {
    const life = startLife(env, input.echo);
    lives.push(life);
    running.add(life);
    void life.exited.then(() => running.delete(life));
    return life;
  };
  const current = (): BotLife => {
    const life = lives.at(-1);
    if (life === undefined) throw new Error(`${name} was never started`);
    return life;
  };
  const signal = async (which: NodeJS.Signals): Promise<ExitStatus> => {
    const life = current();
    if (!life.dead()) process.kill(life.pid, which);
    return life.exited;
  };
  const handle: BotHandle = {
    name,
    url,
    port,
    env,
    get life() {
      return current();
    },
    lives,
    async ready(timeoutMs = 120_000) {
      const life = current();
      await waitFor(
        `${name} to answer /readyz 200`,
        async () => {
          if (life.dead())
            throw new Error(`${name} exited before it was ready:\n${life.lines.slice(-30).join('\n')}`);
          return (await readyzStatus(url)) === 200 ? true : undefined;
        },
        timeoutMs,
        100,
      );
    },
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
    async restart(timeoutMs) {
      if (lives.length > 0 && !current().dead()) throw new Error(`${name} is still running`);
      begin();
      await handle.ready(timeoutMs);
    },
  };
  return handle;
}
