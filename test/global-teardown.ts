import { rm } from 'node:fs/promises';
import type { DevDatabase } from '../storage/devdb/index.js';

export default async function globalTeardown(): Promise<void> {
  const devDatabase = (globalThis as { __devDatabase?: DevDatabase }).__devDatabase;
  await devDatabase?.stop();
  const dataDir = process.env['TEST_DEV_DATABASE_DIR'];
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
