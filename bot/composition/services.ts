import type { Logger } from 'pino';
import type { ChatCore } from '../../commands/chat/ops.js';
import type { ChatStores } from '../../commands/chat/ports.js';
import type { Clock } from '../../commands/engine/ports.js';
import type { GraphAppConnectionInput } from '../../graph/connection.js';
import type { Database } from '../../storage/database.js';
import { ensureIndexes } from '../../storage/database.js';
import { createRepositories, type Repositories } from '../../storage/repositories/index.js';
import { createChatRepositories } from '../../storage/repositories/chat/index.js';
import { startScheduler, type Scheduler } from '../../storage/scheduler.js';
import type { Config } from '../config.js';
import {
  LOCAL_CHAT_DEFAULTS,
  LOCAL_WELCOME_SENDER,
  localSlackOptions,
  seedLocalRoles,
  seedNewHires,
  startLocalServices,
  type LocalServices,
} from '../local-mode.js';
import type { AppOptions } from '../app.js';
import { startChatAdapters, startChatCore, type ChatAdapters } from './chat.js';
import {
  connectAtStart,
  startEngine,
  startPeriodicReconcile,
  type Connector,
  type EngineParts,
} from './engine.js';
import { resolveModes, type Modes } from './modes.js';
import { startResumeSweep, type ResumeSweep } from './resume-sweep.js';
import { watchDatabase, type DatabaseHealth } from './database-health.js';
import {
  chatSettings,
  configuredGraphConnection,
  engineSettings,
  slackOptions,
  teamsSettings,
} from './settings.js';
import { StartupError } from './startup-error.js';

/**
 * Everything behind the HTTP server, started in dependency order. Each part is recorded in `started` as soon
 * as it runs, so a failure half-way stops exactly what had started (bot/app.ts).
 */

export interface Started {
  scheduler?: Scheduler;
  local?: LocalServices;
  connector?: Connector;
  core?: ChatCore;
  adapters?: ChatAdapters;
  resumeSweep?: ResumeSweep;
  databaseHealth?: DatabaseHealth;
}

export interface Services {
  modes: Modes;
  scheduler: Scheduler;
  local: LocalServices;
  connection: GraphAppConnectionInput;
  engine: EngineParts;
  core: ChatCore;
  adapters: ChatAdapters;
}

export const systemClock: Clock = { now: () => new Date() };

interface Storage {
  repositories: Repositories;
  stores: ChatStores;
  scheduler: Scheduler;
}

/** database → indexes → repositories → scheduler (job handlers wait for the engine and the core). */
async function startStorage(
  database: Database,
  options: AppOptions,
  logger: Logger,
  started: Started,
): Promise<Storage> {
  const db = database.db;
  await ensureIndexes(db);
  const repositories = createRepositories(db);
  const stores = createChatRepositories(db);
  const scheduler = await startScheduler(db, options.jobs, logger, options.scheduler);
  started.scheduler = scheduler;
  return { repositories, stores, scheduler };
}

/**
 * The local sandbox tenant starts afresh every time, the directory does not: bindings from an earlier run name
 * accounts that no longer exist (reconcile reports them missing). Said once, with the way to start over.
 */
async function warnAboutEarlierRuns(engine: EngineParts, logger: Logger): Promise<void> {
  const { bindings } = await engine.engine.status();
  const count = Object.values(bindings).reduce((sum, n) => sum + n, 0);
  if (count > 0)
    logger.warn(
      `The directory holds ${count} binding(s) from an earlier local run, whose sandbox accounts are gone (the sandbox tenant is fresh at every start). To start over, stop the bot and delete DATA_DIR/ferretdb (or use another MONGODB_DB).`,
    );
}

/** local stand-ins → Graph gateway → engine (+ its jobs) → the Microsoft 365 connection → periodic reconcile. */
async function startProvisioning(
  config: Config,
  modes: Modes,
  storage: Storage,
  logger: Logger,
  started: Started,
) {
  const local = await startLocalServices(modes);
  started.local = local;
  const connection = (await configuredGraphConnection(config)) ?? local.sandbox?.connection();
  if (connection === undefined) throw new StartupError('Microsoft Graph is neither configured nor local.');
  if (modes.graph === 'local') await seedNewHires(storage.repositories.users);
  const engine = startEngine({
    connection,
    repositories: storage.repositories,
    scheduler: storage.scheduler,
    clock: systemClock,
    settings: engineSettings(config, modes.graph === 'local' ? { welcomeSender: LOCAL_WELCOME_SENDER } : {}),
    defaultLicenceSku: config.DEFAULT_LICENSE_SKU,
    logger,
  });
  started.connector = await connectAtStart(engine, logger);
  if (modes.graph === 'local') await warnAboutEarlierRuns(engine, logger);
  await startPeriodicReconcile(storage.scheduler);
  return { local, connection, engine };
}

/** chat core (+ its jobs) → Teams and Slack adapters (surfaces registered) → resume of interrupted runs. */
async function startChat(
  config: Config,
  modes: Modes,
  parts: { storage: Storage; engine: EngineParts; local: LocalServices; health: DatabaseHealth },
  logger: Logger,
  started: Started,
) {
  const { storage, local } = parts;
  const localChat = modes.teams === 'local';
  const health = parts.health;
  const core = startChatCore({
    databaseAvailable: () => health.available(),
    engine: parts.engine.engine,
    repositories: storage.repositories,
    stores: storage.stores,
    scheduler: storage.scheduler,
    clock: systemClock,
    settings: chatSettings(config, localChat ? LOCAL_CHAT_DEFAULTS : undefined),
    logger,
  });
  started.core = core;
  if (localChat) await seedLocalRoles(storage.stores.roles, systemClock);
  const adapters = await startChatAdapters({
    core,
    stores: storage.stores,
    teams: modes.teams === 'off' ? undefined : teamsSettings(config),
    slack: local.slackApi === undefined ? slackOptions(config) : localSlackOptions(local.slackApi),
    logger,
  });
  started.adapters = adapters;
  const resumed = await core.resumeInterrupted();
  if (resumed > 0) logger.info({ resumed }, 'resumed chat requests a previous run left unfinished');
  started.resumeSweep = startResumeSweep(core, logger);
  return { core, adapters };
}

export async function startServices(
  config: Config,
  database: Database,
  options: AppOptions,
  logger: Logger,
  started: Started,
): Promise<Services> {
  const storage = await startStorage(database, options, logger, started);
  const modes = resolveModes(config);
  const { local, connection, engine } = await startProvisioning(config, modes, storage, logger, started);
  const health = watchDatabase(database);
  started.databaseHealth = health;
  const { core, adapters } = await startChat(
    config,
    modes,
    { storage, engine, local, health },
    logger,
    started,
  );
  return { modes, scheduler: storage.scheduler, local, connection, engine, core, adapters };
}
