import { MongoClient, type Db } from 'mongodb';
import type { Logger } from 'pino';
import { DatabaseUnavailableError } from '../commands/errors.js';
import { INDEXES } from './collections.js';
import { migrateRecordKeys } from './migrations.js';

export interface DatabaseOptions {
  uri: string;
  dbName: string;
  /** How long to wait for a server before giving up (start-up and each operation). */
  serverSelectionTimeoutMs?: number;
  /**
   * How long one operation may wait for the server's answer before the connection is given up (default
   * 15 s). Without it a server that stops answering without closing the connection (frozen, or a network
   * path that drops packets) makes every database call, and the chat answers waiting on them, hang forever
   * instead of failing with "temporarily unavailable". Longer than any single command of the bot takes.
   */
  socketTimeoutMs?: number;
}

// The taxonomy's class (policy 'retry'); re-exported so start-up code can keep importing it from here.
export { DatabaseUnavailableError };

/** The process's one database connection. */
export interface Database {
  client: MongoClient;
  db: Db;
  /** true when the server answers a ping within the timeout. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** host:port part of a URI, without credentials: safe to print. */
export function describeUri(uri: string): string {
  const match = /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(uri);
  return match?.[1] ?? 'the configured MongoDB server';
}

export async function connectDatabase(options: DatabaseOptions, logger: Logger): Promise<Database> {
  const client = new MongoClient(options.uri, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 10_000,
    socketTimeoutMS: options.socketTimeoutMs ?? 15_000,
    appName: 'm365-chatops',
  });
  try {
    await client.connect();
    await client.db(options.dbName).command({ ping: 1 });
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new DatabaseUnavailableError(describeUri(options.uri), { cause: error });
  }
  const db = client.db(options.dbName);
  logger.info({ server: describeUri(options.uri), db: options.dbName }, 'database connected');
  return {
    client,
    db,
    async ping(timeoutMs = 2000) {
      const timeout = new Promise<false>((resolve) =>
        setTimeout(() => {
          resolve(false);
        }, timeoutMs).unref(),
      );
      const ping = db.command({ ping: 1 }, { timeoutMS: timeoutMs }).then(
        () => true,
        () => false,
      );
      return Promise.race([ping, timeout]);
    },
    close: () => client.close(),
  };
}

/**
 * Brings stored records to the current keys (storage/migrations.ts), then creates every index the bot needs;
 * safe to run on every start and from several replicas at once.
 */
export async function ensureIndexes(db: Db): Promise<void> {
  await migrateRecordKeys(db);
  for (const plan of INDEXES) {
    await db.collection(plan.collection).createIndex(plan.key, plan.options, undefined);
  }
}
