import { MongoClient, type Db } from 'mongodb';
import { basename } from 'node:path';

/** The dev database started by test/global-setup.ts (or MONGODB_URI). */
export function testMongoUri(): string {
  const uri = process.env['TEST_MONGODB_URI'];
  if (!uri)
    throw new Error('TEST_MONGODB_URI is not set: run the tests through `npm test` (jest global setup).');
  return uri;
}

/** One database per test file (and purpose), so files run in parallel without seeing each other's data. */
export function testDatabaseName(testFile: string, purpose = ''): string {
  const stem = basename(testFile)
    .replace(/\.test\.ts$/, '')
    .replace(/[^A-Za-z0-9]/g, '_');
  return `t_${stem}${purpose ? `_${purpose}` : ''}`.slice(0, 60);
}

export interface TestDatabase {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/** Connects to a fresh (dropped) database for this test file. */
export async function openTestDatabase(testFile: string, purpose = ''): Promise<TestDatabase> {
  const client = new MongoClient(testMongoUri(), { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  const db = client.db(testDatabaseName(testFile, purpose));
  await db.dropDatabase();
  return { client, db, close: () => client.close() };
}
