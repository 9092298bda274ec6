import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ChatCore } from '../commands/chat/ops.js';
import type { Engine } from '../commands/engine/engine.js';
import { connectDatabase, type Database } from '../storage/database.js';
import { startDevDatabase, type DevDatabase } from '../storage/devdb/index.js';
import type { JobDefinition, Scheduler, SchedulerOptions } from '../storage/scheduler.js';
import type { Config } from './config.js';
import { describeRunning } from './composition/describe.js';
import { localSlackRoute } from './composition/local-slack-route.js';
import type { Modes } from './composition/modes.js';
import { startServices, type Services, type Started } from './composition/services.js';
import { healthRoutes } from './http/health.js';
import { startHttpServer, type HttpServer, type Route } from './http/server.js';
import type { LocalServices } from './local-mode.js';

/**
 * The composition root: everything the bot runs, started in dependency order —
 *
 *   database → indexes → repositories → scheduler (jobs registered; their handlers wait for the engine and
 *   the chat core, see bot/engine-jobs.ts) → local stand-ins (local mode) → Graph gateway → engine (+ its
 *   jobs attached) → Microsoft 365 connection → chat core (+ its jobs attached) → Teams and Slack adapters
 *   (surfaces registered) → resume of interrupted runs → HTTP routes → listen
 *
 * — and stopped in reverse (see stopAll). bot/composition/ holds the parts; bot/local-mode.ts the stand-ins.
 */

export interface RunningApp {
  url: string;
  database: Database;
  scheduler: Scheduler;
  /** Set when the embedded FerretDB was started because MONGODB_URI is unset. */
  devDatabase: DevDatabase | undefined;
  /** What runs for real and what as a local stand-in. */
  modes: Modes;
  engine: Engine;
  chat: ChatCore;
  /** The stand-ins local mode started (sandbox tenant, Slack API); undefined members when not local. */
  local: LocalServices;
  /** For the start-up log: what runs where, and how to talk to what runs locally. */
  description: string[];
  /** Resolves when no chat work is running (the adapters' and the chat core's). */
  idle(): Promise<void>;
  /** Graceful stop: no new requests, chat and jobs finish or release their locks, stand-ins and database closed. */
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

interface Resources extends Started {
  http?: HttpServer;
  database: Database;
  devDatabase: DevDatabase | undefined;
}

/**
 * Stops in the reverse of the start order, each step even when an earlier one failed: requests first (no new
 * work), then the adapters' and the chat core's background work (runs in progress stop and resume at the next
 * start), then the scheduler (running jobs finish or release their locks; they may still need Graph, so the
 * local stand-ins close after it), then the database.
 */
async function stopAll(resources: Resources, timeoutMs: number, logger: Logger): Promise<void> {
  const failures: unknown[] = [];
  const step = async (what: string, work: (() => Promise<void>) | undefined) => {
    try {
      await work?.();
    } catch (error) {
      logger.error({ err: error }, `error while stopping ${what}`);
      failures.push(error);
    }
  };
  const { http, connector, adapters, core, scheduler, local, database, devDatabase } = resources;
  await step('the HTTP server', http && (() => http.close(timeoutMs)));
  connector?.stop();
  resources.resumeSweep?.stop();
  resources.databaseHealth?.stop();
  await step('the chat adapters', adapters && (() => adapters.stop(timeoutMs)));
  await step('the chat core', core && (() => core.stop()));
  await step('the scheduler', scheduler && (() => scheduler.stop(timeoutMs)));
  await step('the local stand-ins', local && (() => local.close()));
  await step('the database', () => database.close());
  await step('the embedded database', devDatabase && (() => devDatabase.stop()));
  if (failures.length > 0) throw failures[0];
}

/** Health, Teams and Slack routes, and in local mode the helper behind `npm run slack-local`. */
function routesFor(
  services: Services,
  readiness: { database: Database; shuttingDown: () => boolean },
  self: { url: () => string; idle: () => Promise<void> },
): Route[] {
  const { scheduler, adapters, local } = services;
  return [
    ...healthRoutes({
      database: () => readiness.database.ping(1000),
      scheduler: () => scheduler.isRunning(),
      shuttingDown: readiness.shuttingDown,
    }),
    ...adapters.routes,
    ...(local.slackApi === undefined
      ? []
      : [localSlackRoute({ api: local.slackApi, botUrl: self.url, idle: self.idle })]),
  ];
}

/** Starts everything the bot needs, in dependency order, and returns a handle that stops it in reverse. */
export async function startApp(config: Config, logger: Logger, options: AppOptions): Promise<RunningApp> {
  const { database, devDatabase } = await openDatabase(config, logger);
  let shuttingDown = false;
  const resources: Resources = { database, devDatabase };
  const stop = async () => {
    shuttingDown = true;
    await stopAll(resources, config.SHUTDOWN_TIMEOUT_MS, logger);
  };
  try {
    const services = await startServices(config, database, options, logger, resources);
    const { adapters, core } = services;
    const idle = async () => {
      await adapters.idle();
      await core.idle();
      await adapters.idle();
    };
    let url = '';
    const routes = routesFor(
      services,
      { database, shuttingDown: () => shuttingDown },
      { url: () => url, idle },
    );
    resources.http = await startHttpServer({ host: config.HOST, port: config.PORT, routes }, logger);
    url = resources.http.url;
    await adapters.start();
    const description = describeRunning({
      url,
      port: Number(new URL(url).port),
      modes: services.modes,
      local: services.local,
      graphBaseUrl: services.connection.graphBaseUrl ?? 'https://graph.microsoft.com/',
    });
    return {
      url,
      database,
      scheduler: services.scheduler,
      devDatabase,
      modes: services.modes,
      engine: services.engine.engine,
      chat: core,
      local: services.local,
      description,
      idle,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
