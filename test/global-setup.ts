import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as DevDatabaseModule from '../storage/devdb/index.js';
import type { DevDatabase } from '../storage/devdb/index.js';

/**
 * Jest loads global setup outside its module system (no .js → .ts mapping), so this file uses the compiled
 * module from dist/, which `npm test` builds first.
 */
async function loadDevDatabaseModule(): Promise<typeof DevDatabaseModule> {
  const compiled = new URL('../dist/storage/devdb/index.js', import.meta.url).href;
  return (await import(compiled)) as typeof DevDatabaseModule;
}

/**
 * Once per jest run: use MONGODB_URI when it is set (a real MongoDB ≥ 6), otherwise build (first time) and
 * start FerretDB on a free port with a fresh temporary data folder. Workers inherit TEST_MONGODB_URI; each
 * test file uses its own database name (test/support/database.ts), so files run in parallel.
 */
export default async function globalSetup(): Promise<void> {
  const configured = process.env['MONGODB_URI'];
  if (configured) {
    process.env['TEST_MONGODB_URI'] = configured;
    return;
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'm365-chatops-test-db-'));
  const { startDevDatabase } = await loadDevDatabaseModule();
  const devDatabase: DevDatabase = await startDevDatabase({
    dataDir,
    progress: (line) => process.stderr.write(`[dev database] ${line}\n`),
  });
  process.env['TEST_MONGODB_URI'] = devDatabase.uri;
  process.env['TEST_DEV_DATABASE_DIR'] = dataDir;
  (globalThis as { __devDatabase?: DevDatabase }).__devDatabase = devDatabase;
}
