/**
 * Local mode as a newcomer meets it: `node dist/bot/main.js` (what `npm start` runs) with no Microsoft 365,
 * Teams or Slack credentials. `npm test` builds dist first; run alone, this builds when dist is older than the
 * sources.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getJson } from '../support/app.js';
import { jsonRecords, waitFor } from '../support/wait.js';
import { testDatabaseName, testMongoUri } from '../support/database.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'dist', 'bot', 'main.js');
const SOURCE_FOLDERS = ['bot', 'commands', 'cards', 'storage', 'graph', 'sandbox'];

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
  const sources = Math.max(...SOURCE_FOLDERS.map((folder) => newestSourceMs(join(ROOT, folder))));
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= sources) return;
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  // tsc emits despite type errors elsewhere in the tree; only a missing entry point stops this test.
  if (!existsSync(MAIN)) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}

let dataDir: string;
let child: ReturnType<typeof spawn> | undefined;
const lines: string[] = [];

const records = () => jsonRecords(lines);
const messages = () => records().map((record) => String(record['msg']));

beforeAll(async () => {
  ensureBuilt();
  dataDir = await mkdtemp(join(tmpdir(), 'm365-chatops-local-process-'));
}, 300_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start with no credentials at all', () => {
  it('reaches /readyz 200, prints how to talk to the local bot, and stops cleanly on SIGTERM', async () => {
    // Exactly these variables (plus PATH and HOME): nothing of the test runner's environment leaks in.
    const bot = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        LOG_FORMAT: 'json',
        PORT: '0',
        DATA_DIR: dataDir,
        MONGODB_URI: testMongoUri(),
        MONGODB_DB: testDatabaseName(import.meta.url),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = bot;
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(line);
    };
    bot.stdout.on('data', collect);
    bot.stderr.on('data', collect);
    const exited = new Promise<number | null>((resolve) => bot.once('close', resolve));

    const url = await waitFor('the bot to print its URL', () => {
      if (lines.some((line) => line.includes('"level":60'))) throw new Error(lines.join('\n'));
      const running = messages()
        .map((message) => /^m365-chatops is running at (http:\/\/\S+)$/.exec(message)?.[1])
        .find((found) => found !== undefined);
      return Promise.resolve(running);
    });
    expect(await getJson(`${url}/readyz`)).toMatchObject({ status: 200, body: { status: 'ready' } });

    const printed = messages().join('\n');
    expect(printed).toContain('Local mode: no Microsoft 365, Teams or Slack credentials are configured');
    expect(printed).toContain('Microsoft 365: LOCAL sandbox tenant');
    expect(printed).toMatch(/npm run playground/);
    expect(printed).toMatch(/npm run slack-local -- "help"/);

    bot.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(messages().at(-1)).toBe('stopped cleanly');
  }, 60_000);
});
