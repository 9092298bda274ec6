import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { healthRoutes } from './http/health.js';
import { startHttpServer, type HttpServer } from './http/server.js';
import { connectDatabase, ensureIndexes, type Database } from '../storage/database.js';
import { startDevDatabase, type DevDatabase } from '../storage/devdb/index.js';
import {
  startScheduler,
  type JobDefinition,
  type Scheduler,
  type SchedulerOptions,
} from '../storage/scheduler.js';

export interface RunningApp {
  url: string;
  database: Database;
  scheduler: Scheduler;
  /** Set when the embedded FerretDB was started because MONGODB_URI is unset. */
  devDatabase: DevDatabase | undefined;
  /** Graceful stop: no new requests, jobs finish or release their locks, database closed. */
  stop(): Promise<void>;
}

export interface AppOptions {
  jobs: readonly JobDefinition[];
  /** Tests use a short polling interval and lock lifetime. */
  scheduler?: SchedulerOptions;
}

async function openDatabase(config: Config, logger: Logger) {
  let devDatabase: DevDatabase | undefined;
  let uri = config.MONGODB_URI;
  if (!uri) {
    const dataDir = join(config.DATA_DIR, 'ferretdb');
    logger.info({ dataDir }, 'MONGODB_URI is not set: starting the embedded FerretDB dev database');
    devDatabase = await startDevDatabase({
      dataDir,
      // Build progress matters to a newcomer waiting on the first build; the server's own chatter does not.
      progress: (line) => {
        logger.info(line);
      },
      serverLog: (line) => {
        logger.debug({ source: 'ferretdb' }, line);
      },
    });
    uri = devDatabase.uri;
  }
  try {
    const database = await connectDatabase({ uri, dbName: config.MONGODB_DB }, logger);
    return { database, devDatabase };
  } catch (error) {
    await devDatabase?.stop();
    throw error;
  }
}

/** Starts everything the bot needs, in dependency order, and returns a handle that stops it in reverse. */
export async function startApp(config: Config, logger: Logger, options: AppOptions): Promise<RunningApp> {
  const { database, devDatabase } = await openDatabase(config, logger);
  let shuttingDown = false;
  let scheduler: Scheduler | undefined;
  let http: HttpServer | undefined;
  const stop = async () => {
    shuttingDown = true;
    await http?.close(config.SHUTDOWN_TIMEOUT_MS);
    await scheduler?.stop(config.SHUTDOWN_TIMEOUT_MS);
    await database.close();
    await devDatabase?.stop();
  };
  try {
    await ensureIndexes(database.db);
    scheduler = await startScheduler(database.db, options.jobs, logger, options.scheduler);
    const running = scheduler;
    http = await startHttpServer(
      {
        host: config.HOST,
        port: config.PORT,
        routes: healthRoutes({
          database: () => database.ping(1000),
          scheduler: () => running.isRunning(),
          shuttingDown: () => shuttingDown,
        }),
      },
      logger,
    );
    return { url: http.url, database, scheduler, devDatabase, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
