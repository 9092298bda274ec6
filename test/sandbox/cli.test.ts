/**
 * The `npm run sandbox` CLI as a user runs it: the compiled dist/sandbox/cli.js in a child process.
 * `npm test` builds first; when run alone and dist is missing or older than the sources, beforeAll builds it.
 */
import { describe, it, expect, beforeAll } from '@jest/globals';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { createGraphClient } from '../../graph/client.js';
import { graphConnectionSchema, type GraphConnection } from '../../graph/connection.js';
import { parseCliArgs } from '../../sandbox/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(ROOT, 'dist', 'sandbox', 'cli.js');
const usersPageSchema = z.object({ value: z.array(z.object({ userPrincipalName: z.string() })) });

function newestSourceMs(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMs(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function ensureBuilt(): void {
  const sources = Math.max(
    newestSourceMs(path.join(ROOT, 'sandbox')),
    newestSourceMs(path.join(ROOT, 'graph')),
  );
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= sources) return;
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (!existsSync(CLI)) throw new Error(`building the CLI failed:\n${build.stdout}${build.stderr}`);
}

interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  firstLine: string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts the CLI and resolves with its first stdout line (or rejects if it exits before writing one). */
function startCli(args: string[]): Promise<RunningCli> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (newline >= 0) resolve({ child, firstLine: stdout.slice(0, newline), stderr: () => stderr, exit });
    });
    void exit.then((code) => {
      reject(new Error(`the CLI exited with ${String(code)} before its first line:\n${stderr}`));
    });
  });
}

function runCliToExit(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

async function listAllUpns(connection: GraphConnection): Promise<string[]> {
  const { client } = createGraphClient(connection, { retry: false });
  const page = usersPageSchema.parse(await client.api('/users?$top=999').get());
  return page.value.map((user) => user.userPrincipalName);
}

beforeAll(() => {
  ensureBuilt();
}, 120_000);

describe('npm run sandbox', () => {
  it('prints the connection as the first stdout line, serves Graph with it and exits 0 on SIGTERM', async () => {
    const cli = await startCli(['--size', 'S', '--seed', '7']);
    try {
      const connection = graphConnectionSchema.parse(JSON.parse(cli.firstLine));
      expect(new URL(connection.graphBaseUrl).hostname).toBe('127.0.0.1');
      const upns = await listAllUpns(connection);
      expect(upns).toHaveLength(25);
      expect(upns).toContain("liam.o'brien@contoso.com");
      expect(cli.stderr()).toMatch(/25 users/);
    } finally {
      cli.child.kill('SIGTERM');
    }
    expect(await cli.exit).toBe(0);
  });

  it('listens on the requested port, seeds the requested user count and exits 0 on SIGINT', async () => {
    const port = await freePort();
    const cli = await startCli(['--port', String(port), '--size', '40', '--time-scale', '60']);
    try {
      const connection = graphConnectionSchema.parse(JSON.parse(cli.firstLine));
      expect(new URL(connection.graphBaseUrl).port).toBe(String(port));
      expect(await listAllUpns(connection)).toHaveLength(40);
    } finally {
      cli.child.kill('SIGINT');
    }
    expect(await cli.exit).toBe(0);
  });

  it.each([
    [['--size', 'XL'], /--size.*"XL"/],
    [['--port', '70000'], /--port.*"70000"/],
    [['--seed', 'abc'], /--seed.*"abc"/],
    [['--time-scale', '-1'], /--time-scale=<value>/],
    [['--time-scale=-1'], /--time-scale.*"-1"/],
    [['--colour', 'red'], /--colour/],
  ])('rejects %j with one sentence naming the problem and an example, exit 2', (args, problem) => {
    const result = runCliToExit(args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(problem);
    expect(result.stderr).toMatch(/e\.g\. npm run sandbox -- /);
  });
});

describe('parseCliArgs', () => {
  it('defaults to an S tenant on a free port, seed 1, real time', () => {
    expect(parseCliArgs([])).toEqual({ ok: true, options: { port: 0, size: 'S', seed: 1, timeScale: 1 } });
  });

  it('accepts presets in any case, demo and exact user counts', () => {
    const size = (text: string) => {
      const parsed = parseCliArgs(['--size', text]);
      return parsed.ok ? parsed.options.size : parsed.message;
    };
    expect(size('m')).toBe('M');
    expect(size('demo')).toBe('demo');
    expect(size('100000')).toBe(100_000);
    expect(size('0')).toBe(0);
    expect(size('100001')).toMatch(/--size/);
  });

  it('reads fractional time scales', () => {
    const parsed = parseCliArgs(['--time-scale', '0.5']);
    expect(parsed.ok && parsed.options.timeScale).toBe(0.5);
  });
});
