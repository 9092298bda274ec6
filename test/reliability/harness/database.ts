import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { MongoClient, type Db } from 'mongodb';
import { ensureFerretDb } from '../../../storage/devdb/ferretdb-build.js';
import { freeLoopbackPort, portAnswers } from '../../../storage/devdb/loopback-port.js';

/**
 * The database of a reliability test: a FerretDB of its own (so the test may stop, freeze and restart it
 * without touching the shared one of the jest run), or, when `useShared` is asked, TEST_MONGODB_URI.
 *
 * FerretDB runs under a shell guardian that reads our stdin (as storage/devdb does), so it never outlives the
 * test process, not even a SIGKILLed one; the guardian prints FerretDB's own pid first, so the test can send
 * it SIGSTOP / SIGCONT / SIGKILL directly.
 */

const GUARDIAN = [
  'exec 3<&0',
  '"$0" "$@" </dev/null & server=$!',
  'echo "$server"',
  '( cat <&3 >/dev/null; kill -CONT "$server" 2>/dev/null; kill "$server" 2>/dev/null ) &',
  'wait "$server"',
].join('\n');

export interface ReliabilityDatabase {
  /** mongodb://127.0.0.1:P/ — the same across restarts. */
  readonly uri: string;
  /** This test's database name. */
  readonly name: string;
  /** A client of the test's own (for seeding and checks); it reconnects by itself after an outage. */
  readonly db: Db;
  /** True when this is a FerretDB of the test's own (stop/pause/restart available). */
  readonly own: boolean;
  /** SIGKILL the server (an outage); its data stays on disk. */
  kill(): Promise<void>;
  /** SIGSTOP: the server keeps its port but answers nothing (a hung database). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** Starts the server again on the same port and data folder after kill(). */
  restart(): Promise<void>;
  /** Stops everything and deletes the data folder. */
  close(): Promise<void>;
}

interface ServerProcess {
  guardian: ChildProcessByStdio<Writable, Readable, Readable>;
  serverPid: number;
  exited: Promise<void>;
}

async function startServer(binary: string, dataDir: string, port: number): Promise<ServerProcess> {
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${dataDir}/`,
    `--listen-addr=127.0.0.1:${port}`,
    '--telemetry=disable',
    '--state-dir=-',
    '--debug-addr=-',
    '--log-level=warn',
  ];
  const guardian = spawn('sh', ['-c', GUARDIAN, binary, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  guardian.stderr.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => {
    guardian.once('exit', () => {
      resolve();
    });
  });
  const serverPid = await new Promise<number>((resolve, reject) => {
    guardian.stdout.once('data', (chunk: Buffer) => {
      resolve(Number(chunk.toString().trim()));
    });
    void exited.then(() => {
      reject(new Error(`FerretDB exited at start: ${output}`));
    });
  });
  const deadline = Date.now() + 20_000;
  while (!(await portAnswers(port))) {
    if (Date.now() > deadline) throw new Error(`FerretDB did not listen on ${port}: ${output}`);
    await new Promise((wait) => setTimeout(wait, 50));
  }
  return { guardian, serverPid, exited };
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** A FerretDB of the test's own with a fresh data folder, or the shared TEST_MONGODB_URI (`useShared`). */
export async function startReliabilityDatabase(
  name: string,
  options: { useShared?: boolean } = {},
): Promise<ReliabilityDatabase> {
  const shared = process.env['TEST_MONGODB_URI'];
  if (options.useShared === true && shared) return sharedDatabase(shared, name);
  const binary = await ensureFerretDb(() => undefined);
  const dataDir = await mkdtemp(join(tmpdir(), 'm365-chatops-reliability-db-'));
  const port = await freeLoopbackPort();
  let server: ServerProcess | undefined = await startServer(binary, dataDir, port);
  const uri = `mongodb://127.0.0.1:${port}/`;
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 60_000 });
  await client.connect();
  const db = client.db(name);
  const stopServer = async (): Promise<void> => {
    const current = server;
    server = undefined;
    if (current === undefined) return;
    signal(current.serverPid, 'SIGCONT');
    signal(current.serverPid, 'SIGKILL');
    current.guardian.stdin.end();
    await current.exited;
  };
  return {
    uri,
    name,
    db,
    own: true,
    kill: stopServer,
    pause: () => {
      if (server) signal(server.serverPid, 'SIGSTOP');
    },
    resume: () => {
      if (server) signal(server.serverPid, 'SIGCONT');
    },
    async restart() {
      if (server !== undefined) throw new Error('the database is running; kill() it first');
      server = await startServer(binary, dataDir, port);
    },
    async close() {
      await client.close(true).catch(() => undefined);
      await stopServer();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function sharedDatabase(uri: string, name: string): Promise<ReliabilityDatabase> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  const db = client.db(name);
  await db.dropDatabase();
  const refuse = (): never => {
    throw new Error('the shared test database cannot be stopped; start one of your own');
  };
  return {
    uri,
    name,
    db,
    own: false,
    kill: () => Promise.resolve(refuse()),
    pause: refuse,
    resume: refuse,
    restart: () => Promise.resolve(refuse()),
    close: () => client.close(),
  };
}
