import type { Logger } from 'pino';
import { createEngine, type Engine } from '../../commands/engine/engine.js';
import type { Actor } from '../../commands/engine/model.js';
import type { Clock } from '../../commands/engine/ports.js';
import type { EngineSettingsInput } from '../../commands/engine/settings.js';
import { PartnerManagedTenantError, isDomainError } from '../../commands/errors.js';
import type { GraphAppConnectionInput } from '../../graph/connection.js';
import { createM365Gateway } from '../../graph/gateway.js';
import type { Repositories } from '../../storage/repositories/index.js';
import type { Scheduler } from '../../storage/scheduler.js';
import { attachEngineJobs, createEngineJobs, ENGINE_JOBS, scheduleReconcile } from '../engine-jobs.js';
import { pendingAcks } from '../http/pending-acks.js';
import { StartupError } from './startup-error.js';

/** The Graph gateway, the provisioning engine on it, its jobs, and the Microsoft 365 connection at start. */

/** Who connects at start (the audit log's actor for the automatic connect). */
export const STARTUP_ACTOR: Actor = { platform: 'system', id: 'startup', displayName: 'Bot start-up' };

export interface EngineParts {
  engine: Engine;
  /** The tenant the configuration points at (the sandbox's in local mode). */
  tenantId: string;
}

/**
 * With a default licence configured, a bind without --license assigns it (the engine itself takes the licence
 * per call; the default is a deployment choice, so it is applied here).
 */
export function withDefaultLicence(engine: Engine, sku: string | undefined): Engine {
  if (sku === undefined) return engine;
  return {
    ...engine,
    bind: (emails, options) => engine.bind(emails, { ...options, licenceSku: options.licenceSku ?? sku }),
  };
}

export function startEngine(deps: {
  connection: GraphAppConnectionInput;
  repositories: Repositories;
  scheduler: Scheduler;
  clock: Clock;
  settings: EngineSettingsInput;
  defaultLicenceSku: string | undefined;
  logger: Logger;
}): EngineParts {
  const gateway = createM365Gateway({ connection: deps.connection });
  const engine = createEngine({
    ...deps.repositories,
    gateway,
    jobs: createEngineJobs(deps.scheduler, ENGINE_JOBS),
    clock: deps.clock,
    settings: deps.settings,
    logger: deps.logger.child({ component: 'engine' }),
    // Engine work yields to chat: no next user and no user's next step starts while a chat request waits for
    // its acknowledgement.
    yieldToHost: () =>
      new Promise<void>((resolve) => {
        pendingAcks.onceAnswered(resolve);
      }),
  });
  // From here on, engine jobs that came due while the engine was being built run.
  attachEngineJobs(deps.scheduler, engine);
  return { engine: withDefaultLicence(engine, deps.defaultLicenceSku), tenantId: deps.connection.tenantId };
}

export async function startPeriodicReconcile(scheduler: Scheduler): Promise<void> {
  await scheduleReconcile(scheduler, ENGINE_JOBS.reconcileReport);
}

export interface Connector {
  /** Stops retrying (shutdown). */
  stop(): void;
}

const FIRST_RETRY_MS = 60_000;
const MAX_RETRY_MS = 15 * 60_000;

function reasonOf(error: unknown): string {
  return isDomainError(error) || error instanceof Error ? error.message : String(error);
}

/**
 * Connects the engine to Microsoft 365 at start when the directory has no active connection (first start,
 * or after `disconnect`: a disconnected directory has no bindings left, so connecting again changes no
 * account). A directory connected to another tenant than the configured one stops the start: its bindings
 * name that tenant's accounts. A partner-managed tenant is refused for good (one sentence in the log; the bot
 * keeps running and every operation answers "not connected"); any other failure is retried in the background
 * (1, 2, 4 … up to 15 minutes apart) while operations answer "not connected".
 */
export async function connectAtStart(parts: EngineParts, logger: Logger): Promise<Connector> {
  const status = await parts.engine.status();
  const current = status.connection;
  if (status.status === 'active' && current !== null) {
    if (current.tenantId !== parts.tenantId)
      throw new StartupError(
        `This database's directory is connected to Microsoft 365 tenant ${current.tenantId}, but the configuration names tenant ${parts.tenantId}; use that tenant's database (MONGODB_DB) or disconnect it first.`,
      );
    logger.info({ tenantId: current.tenantId }, 'connected to Microsoft 365');
    return { stop: () => undefined };
  }
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = async (delayMs: number): Promise<void> => {
    try {
      await parts.engine.connect(STARTUP_ACTOR);
      logger.info({ tenantId: parts.tenantId }, 'connected to Microsoft 365');
    } catch (error) {
      if (error instanceof PartnerManagedTenantError) {
        logger.error(`Not connected to Microsoft 365: ${error.message} Every operation is refused.`);
        return;
      }
      if (stopped) return;
      logger.warn(
        { retryInMs: delayMs },
        `Not connected to Microsoft 365 yet: ${reasonOf(error)} Operations are refused until a retry in ${Math.round(delayMs / 60_000)} min succeeds.`,
      );
      timer = setTimeout(() => void attempt(Math.min(delayMs * 2, MAX_RETRY_MS)), delayMs);
      timer.unref();
    }
  };
  await attempt(FIRST_RETRY_MS);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
