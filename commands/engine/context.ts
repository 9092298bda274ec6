import { NotConnectedError } from '../errors.js';
import type { DirectoryIndex } from './directory-index.js';
import type { Connection } from './model.js';
import type {
  AuditLog,
  Bindings,
  Clock,
  ConnectionStore,
  DirectoryUsers,
  EngineJobs,
  M365Gateway,
  Operations,
} from './ports.js';
import { engineSettingsSchema, type EngineSettings, type EngineSettingsInput } from './settings.js';

/** The few log calls the engine makes (pino's Logger fits). Never pass secrets in `fields`. */
export interface EngineLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface EngineDeps {
  users: DirectoryUsers;
  bindings: Bindings;
  connection: ConnectionStore;
  audit: AuditLog;
  operations: Operations;
  /** The directory snapshot import-preview classifies against (one read instead of lookups per page). */
  directoryIndex: DirectoryIndex;
  gateway: M365Gateway;
  jobs: EngineJobs;
  clock: Clock;
  settings: EngineSettingsInput;
  logger?: EngineLogger;
  /**
   * Awaited by a run before each next user and before each of a user's recorded steps (a Graph write): the
   * host holds engine work back while it has something more urgent on the same event loop (the bot: chat
   * requests waiting for their acknowledgement — a user's steps in flight would otherwise go on competing
   * with them). Default: none.
   */
  yieldToHost?: () => Promise<void>;
}

/** What every operation works with: the ports, parsed settings and a logger. */
export interface EngineContext extends Omit<EngineDeps, 'settings' | 'logger'> {
  settings: EngineSettings;
  logger: EngineLogger;
}

const silentLogger: EngineLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export function engineContext(deps: EngineDeps): EngineContext {
  return {
    ...deps,
    settings: engineSettingsSchema.parse(deps.settings),
    logger: deps.logger ?? silentLogger,
  };
}

/** Every operation but status and connect needs an active connection (the seed: deactivated = hands off). */
export async function requireConnected(context: EngineContext): Promise<Connection> {
  const connection = await context.connection.get();
  if (connection?.status !== 'active') throw new NotConnectedError();
  return connection;
}

export async function isConnected(context: EngineContext): Promise<boolean> {
  const connection = await context.connection.get();
  return connection?.status === 'active';
}
