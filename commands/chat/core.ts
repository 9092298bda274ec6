import { randomUUID } from 'node:crypto';
import type { Engine } from '../engine/engine.js';
import type { AuditLog, Clock } from '../engine/ports.js';
import { ApprovalService, actorOf } from './approvals/service.js';
import type { ChatCommand, CommandContext, ParseContext } from './command.js';
import { CHAT_COMMANDS } from './commands/index.js';
import { BackgroundTasks } from './execution/background.js';
import { CardPublisher } from './execution/publisher.js';
import { SurfaceRegistry } from './execution/surfaces.js';
import type { Timers } from './execution/throttle.js';
import type { ChatJobs, ChatLogger, ChatStores, DirectoryReader } from './ports.js';
import { createRbac, type Rbac } from './rbac.js';
import { CommandRegistry } from './registry.js';
import { chatSettingsSchema, type ChatSettings, type ChatSettingsInput } from './settings.js';
import type { ChatSurface, ChatUser, ConversationRef } from './types.js';

/** Everything the chat core is built from, and the assembled parts its modules share. */

export interface ChatOpsDeps {
  engine: Engine;
  directory: DirectoryReader;
  stores: ChatStores;
  /** The engine's audit log: request transitions are audited beside the engine's own events. */
  audit: AuditLog;
  jobs: ChatJobs;
  clock: Clock;
  settings?: ChatSettingsInput;
  logger?: ChatLogger;
  /** Surfaces known at start; adapters may also register theirs later (registerSurface). */
  surfaces?: readonly ChatSurface[];
  /** The command set (default: every command). */
  commands?: readonly ChatCommand[];
  newId?: () => string;
  /** Time source for the card-update throttle (tests). */
  timers?: Timers;
  /**
   * Whether the database answers right now (a background health check). While a request waits on the
   * database and this says no, the admin is told "temporarily unavailable" at once. Default: always yes.
   */
  databaseAvailable?: () => boolean;
}

export interface Core {
  engine: Engine;
  directory: DirectoryReader;
  stores: ChatStores;
  audit: AuditLog;
  jobs: ChatJobs;
  clock: Clock;
  settings: ChatSettings;
  logger: ChatLogger;
  registry: CommandRegistry;
  rbac: Rbac;
  service: ApprovalService;
  surfaces: SurfaceRegistry;
  publisher: CardPublisher;
  background: BackgroundTasks;
  newId: () => string;
  databaseAvailable: () => boolean;
  /** Runs in progress in this process, stopped by ChatCore.stop(). */
  runs: Set<AbortController>;
}

const silentLogger: ChatLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function assembleCore(deps: ChatOpsDeps): Core {
  const settings = chatSettingsSchema.parse(deps.settings ?? {});
  const logger = deps.logger ?? silentLogger;
  const surfaces = new SurfaceRegistry();
  for (const surface of deps.surfaces ?? []) surfaces.register(surface);
  return {
    engine: deps.engine,
    directory: deps.directory,
    stores: deps.stores,
    audit: deps.audit,
    jobs: deps.jobs,
    clock: deps.clock,
    settings,
    logger,
    registry: new CommandRegistry(deps.commands ?? CHAT_COMMANDS),
    rbac: createRbac(deps.stores.roles, settings),
    service: new ApprovalService({ requests: deps.stores.requests, audit: deps.audit, clock: deps.clock }),
    surfaces,
    publisher: new CardPublisher(
      deps.stores.tracked,
      surfaces,
      logger,
      settings.cardUpdateIntervalMs,
      deps.timers,
    ),
    background: new BackgroundTasks(logger),
    newId: deps.newId ?? randomUUID,
    databaseAvailable: deps.databaseAvailable ?? (() => true),
    runs: new Set(),
  };
}

export function contextFor(core: Core, user: ChatUser, conversation: ConversationRef): CommandContext {
  return {
    engine: core.engine,
    directory: core.directory,
    stores: core.stores,
    jobs: core.jobs,
    audit: core.audit,
    rbac: core.rbac,
    settings: core.settings,
    clock: core.clock,
    user,
    conversation,
    actor: actorOf(user),
    commands: core.registry.commands,
  };
}

export function parseContextFor(core: Core, user: ChatUser, mentions: readonly ChatUser[]): ParseContext {
  return {
    user,
    mentions,
    defaults: { time: core.settings.digest.defaultTime, timeZone: core.settings.digest.defaultTimeZone },
  };
}
