/**
 * The bot process as `npm start` runs it: the compiled dist/bot/main.js in a child process with JSON logs.
 * `npm test` builds dist first; when jest runs alone and dist is missing or older than the sources, this builds.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFerretDb } from '../../storage/devdb/ferretdb-build.js';
import { getJson } from '../support/app.js';
import { portAnswers } from '../../storage/devdb/loopback-port.js';
import { jsonRecords, waitFor } from '../support/wait.js';
import { testDatabaseName, testMongoUri } from '../support/database.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'dist', 'bot', 'main.js');

function newestSourceMs(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMs(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function ensureBuilt(): void {
  const sources = Math.max(newestSourceMs(join(ROOT, 'bot')), newestSourceMs(join(ROOT, 'storage')));
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= sources) return;
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  // tsc emits despite type errors elsewhere in the tree; only a missing entry point stops these tests.
  if (!existsSync(MAIN)) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}

interface BotProcess {
  pid: number;
  /** stdout and stderr lines, in arrival order. */
  lines: string[];
  /** Lines that are pino JSON records. */
  records(): Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

const running = new Set<BotProcess>();

/** Starts the bot with exactly these variables (plus PATH and HOME), never the test runner's environment. */
function startBot(env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_FORMAT: 'json', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(line);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      resolve({ code, signal });
    }),
  );
  const bot: BotProcess = {
    pid: child.pid ?? 0,
    lines,
    records: () => jsonRecords(lines),
    exited,
    kill: (signal) => child.kill(signal),
  };
  running.add(bot);
  void exited.then(() => running.delete(bot));
  return bot;
}

/** The URL the bot prints once it serves (PORT=0 picks a free port). */
function servedUrl(bot: BotProcess): Promise<string> {
  return waitFor('the bot to print its URL', () => {
    for (const record of bot.records()) {
      const match = /^m365-chatops is running at (http:\/\/\S+)$/.exec(String(record['msg']));
      if (match?.[1]) return Promise.resolve(match[1]);
    }
    if (bot.lines.some((line) => line.includes('"level":60')))
      throw new Error(`the bot failed to start:\n${bot.lines.join('\n')}`);
    return Promise.resolve(undefined);
  });
}

/** The port of the database the bot connected to, from its "database connected" line. */
function databasePort(bot: BotProcess): number {
  const connected = bot.records().find((record) => record['msg'] === 'database connected');
  return Number(/:(\d+)$/.exec(String(connected?.['server']))?.[1]);
}

let dataDir: string;

beforeAll(async () => {
  ensureBuilt();
  // The embedded-database cases need the FerretDB binary; the jest global setup has built it already.
  await ensureFerretDb(() => undefined);
  dataDir = await mkdtemp(join(tmpdir(), 'm365-chatops-process-'));
}, 600_000);

afterAll(async () => {
  for (const bot of running) bot.kill('SIGKILL');
  await Promise.all([...running].map((bot) => bot.exited));
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start with MONGODB_URI set', () => {
  it('serves /readyz 200, then stops cleanly with exit code 0 on SIGTERM', async () => {
    const bot = startBot({
      PORT: '0',
      MONGODB_URI: testMongoUri(),
      MONGODB_DB: testDatabaseName(import.meta.url),
      SHUTDOWN_TIMEOUT_MS: '5000',
    });
    const url = await servedUrl(bot);
    expect(await getJson(`${url}/readyz`)).toMatchObject({ status: 200, body: { status: 'ready' } });
    expect(bot.lines.join('\n')).not.toContain('embedded FerretDB');

    bot.kill('SIGTERM');
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    const messages = bot.records().map((record) => record['msg']);
    expect(messages).toEqual(
      expect.arrayContaining(['SIGTERM received: stopping (press Ctrl+C again to force)']),
    );
    expect(messages.at(-1)).toBe('stopped cleanly');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});

describe('npm start with the embedded FerretDB (MONGODB_URI unset)', () => {
  it('starts FerretDB with its data under DATA_DIR, and stops it with the bot on SIGTERM', async () => {
    const botDataDir = join(dataDir, 'sigterm');
    const bot = startBot({ PORT: '0', DATA_DIR: botDataDir });
    const url = await servedUrl(bot);
    expect((await getJson(`${url}/readyz`)).status).toBe(200);
    const ferretDbPort = databasePort(bot);
    expect(await portAnswers(ferretDbPort)).toBe(true);
    expect((await readdir(join(botDataDir, 'ferretdb'))).some((file) => file.endsWith('.sqlite'))).toBe(true);

    bot.kill('SIGTERM');
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect(await portAnswers(ferretDbPort)).toBe(false);
  });

  it('leaves no FerretDB behind when the bot is killed outright (SIGKILL)', async () => {
    const bot = startBot({ PORT: '0', DATA_DIR: join(dataDir, 'sigkill') });
    await servedUrl(bot);
    const ferretDbPort = databasePort(bot);
    expect(await portAnswers(ferretDbPort)).toBe(true);

    bot.kill('SIGKILL');
    expect(await bot.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await waitFor('FerretDB to stop after its parent died', async () =>
      (await portAnswers(ferretDbPort)) ? undefined : true,
    );
  });
});

describe('npm start that cannot start', () => {
  it('exits non-zero within 30 s with one message naming an unreachable database', async () => {
    const bot = startBot({ PORT: '0', MONGODB_URI: 'mongodb://127.0.0.1:1/x' });
    const { code } = await bot.exited;
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    const errors = bot.records().filter((record) => Number(record['level']) >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.['msg']).toMatch(
      /^m365-chatops cannot start: the database at 127\.0\.0\.1:1 cannot be reached \(connect ECONNREFUSED/,
    );
    expect(bot.lines.filter((line) => !line.startsWith('{'))).toEqual([]);
  }, 30_000);

  it('exits 1 on a bad configuration, listing each problem without echoing a secret', async () => {
    const badToken = 'not-a-slack-token-c0ffee';
    const bot = startBot({ PORT: 'abc', SLACK_BOT_TOKEN: badToken });
    expect(await bot.exited).toEqual({ code: 1, signal: null });
    expect(bot.lines).toEqual([
      'Configuration is not valid:',
      '  - PORT: must be a whole number from 0 to 65535 (example: PORT=3978)',
      '  - SLACK_BOT_TOKEN: must be a bot token starting with xoxb- (example: SLACK_BOT_TOKEN=xoxb-…)',
      'See .env.example for every variable.',
    ]);
  });
});
