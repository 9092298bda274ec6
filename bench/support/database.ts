import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { ensureIndexes } from '../../storage/database.js';
import { startDevDatabase, type DevDatabase } from '../../storage/devdb/index.js';

/**
 * The database a benchmark runs on: MONGODB_URI when set, otherwise the embedded dev FerretDB (the same one
 * `npm start` and the tests use), started for this benchmark with a fresh data folder and stopped afterwards.
 */
export interface BenchDatabase {
  db: Db;
  /** Where it runs, for a child process that opens its own connection. */
  uri: string;
  /** 'FerretDB (embedded)' or 'MONGODB_URI', for the report. */
  kind: string;
  close(): Promise<void>;
}

interface Server {
  uri: string;
  kind: string;
  stop(): Promise<void>;
}

async function startServer(log: (line: string) => void): Promise<Server> {
  const configured = process.env['MONGODB_URI'];
  if (configured) return { uri: configured, kind: 'MONGODB_URI', stop: () => Promise.resolve() };
  const dataDir = await mkdtemp(join(tmpdir(), 'm365-chatops-bench-db-'));
  const devDatabase: DevDatabase = await startDevDatabase({ dataDir, progress: log });
  return {
    uri: devDatabase.uri,
    kind: 'FerretDB (embedded)',
    stop: async () => {
      await devDatabase.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh (dropped) database `bench_<name>` with the product's indexes. */
export async function openBenchDatabase(
  name: string,
  log: (line: string) => void = () => undefined,
): Promise<BenchDatabase> {
  const server = await startServer(log);
  const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    const db = client.db(`bench_${name}`);
    await db.dropDatabase();
    await ensureIndexes(db);
    return {
      db,
      uri: server.uri,
      kind: server.kind,
      close: async () => {
        await db.dropDatabase().catch(() => undefined);
        await client.close();
        await server.stop();
      },
    };
  } catch (error) {
    await client.close();
    await server.stop();
    throw error;
  }
}
