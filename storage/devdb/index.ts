import { ensureFerretDb } from './ferretdb-build.js';
import { startFerretDb, type DevDatabase } from './ferretdb-server.js';

export { DevDatabaseError, FERRETDB_VERSION } from './ferretdb-build.js';
export type { DevDatabase } from './ferretdb-server.js';

export interface DevDatabaseOptions {
  dataDir: string;
  /** Build progress, one line at a time. */
  progress: (line: string) => void;
  /** The running server's own log lines. */
  serverLog?: (line: string) => void;
}

/** Builds FerretDB if needed and starts it on a free loopback port: the embedded default when MONGODB_URI is unset. */
export async function startDevDatabase(options: DevDatabaseOptions): Promise<DevDatabase> {
  const binary = await ensureFerretDb(options.progress);
  return startFerretDb({
    binary,
    dataDir: options.dataDir,
    ...(options.serverLog ? { onLog: options.serverLog } : {}),
  });
}
