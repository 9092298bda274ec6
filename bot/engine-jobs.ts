import { z } from 'zod';
import { NotConnectedError } from '../commands/errors.js';
import type { Engine } from '../commands/engine/engine.js';
import type { EngineJobs } from '../commands/engine/ports.js';
import { defineJob, type JobDefinition, type Scheduler } from '../storage/scheduler.js';
import { createLateBinding, type LateBinding } from './late-binding.js';

/**
 * The provisioning engine's scheduled jobs (Agenda, through storage/scheduler.ts): password expiry,
 * address-release retry and the periodic reconcile in report mode, plus EngineJobs, the engine's port for
 * scheduling them.
 *
 * Start-up order: the scheduler needs the job definitions, the engine needs EngineJobs (on the scheduler), and
 * the definitions need the engine. So definitions reach the engine through an EngineRef that the composition
 * root fills once the engine exists; a job that comes due before that waits for it.
 */

export type EngineRef = LateBinding<Engine>;

export function createEngineRef(waitMs = 60_000): EngineRef {
  return createLateBinding('The provisioning engine was not started in time for a scheduled job.', waitMs);
}

const userJobData = z.object({ userId: z.string().min(1) });
const addressRetryData = z.object({
  userId: z.string().min(1),
  licenceSku: z.string().min(1).optional(),
  welcome: z.boolean(),
});
const reconcileData = z.object({ intervalMs: z.number().int().min(60_000) });

export const DEFAULT_RECONCILE_INTERVAL_MS = 6 * 60 * 60 * 1000;

/** Jobs that find the connection deactivated have nothing to do (deactivate already cleared the bindings). */
async function unlessDisconnected(work: () => Promise<unknown>, log: () => void): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof NotConnectedError)) throw error;
    log();
  }
}

export interface EngineJobDefinitions {
  passwordExpiry: JobDefinition<typeof userJobData>;
  addressReleaseRetry: JobDefinition<typeof addressRetryData>;
  reconcileReport: JobDefinition<typeof reconcileData>;
  /** For bot/jobs.ts. */
  all: readonly JobDefinition[];
}

function passwordExpiryJob(engineRef: EngineRef) {
  return defineJob({
    name: 'engine.password-expiry',
    data: userJobData,
    run: async ({ userId }, { logger }) => {
      const engine = await engineRef.get();
      await unlessDisconnected(
        async () => {
          const result = await engine.expirePassword(userId);
          logger.info({ outcome: result.outcome, note: result.note, error: result.error }, 'password expiry');
        },
        () => {
          logger.info({ userId }, 'password expiry skipped: not connected to Microsoft 365');
        },
      );
    },
  });
}

function addressReleaseRetryJob(engineRef: EngineRef) {
  return defineJob({
    name: 'engine.address-release-retry',
    data: addressRetryData,
    run: async (data, { logger }) => {
      const engine = await engineRef.get();
      await unlessDisconnected(
        async () => {
          const result = await engine.retryAddressRelease(data);
          logger.info(
            { outcome: result.outcome, note: result.note, error: result.error },
            'address release retry',
          );
        },
        () => {
          logger.info({ userId: data.userId }, 'address retry skipped: not connected to Microsoft 365');
        },
      );
    },
  });
}

/** Reconcile in report mode; each run schedules the next (the Scheduler has no repeating jobs). */
function reconcileReportJob(engineRef: EngineRef, getScheduler: () => Scheduler | undefined) {
  const job: JobDefinition<typeof reconcileData> = defineJob({
    name: 'engine.reconcile-report',
    data: reconcileData,
    // One reconcile at a time is plenty; it reads every bound user.
    concurrency: 1,
    run: async ({ intervalMs }, { logger }) => {
      const engine = await engineRef.get();
      try {
        await unlessDisconnected(
          async () => {
            const { checked, drifted, missing, failed } = await engine.reconcile({
              fix: false,
              actor: RECONCILE_ACTOR,
            });
            logger.info({ checked, drifted, missing, failed }, 'periodic reconcile (report mode)');
          },
          () => {
            logger.info({}, 'periodic reconcile skipped: not connected to Microsoft 365');
          },
        );
      } finally {
        const scheduler = getScheduler();
        if (scheduler) await scheduleReconcile(scheduler, job, intervalMs, new Date(Date.now() + intervalMs));
      }
    },
  });
  return job;
}

export function engineJobDefinitions(
  engineRef: EngineRef,
  getScheduler: () => Scheduler | undefined,
): EngineJobDefinitions {
  const passwordExpiry = passwordExpiryJob(engineRef);
  const addressReleaseRetry = addressReleaseRetryJob(engineRef);
  const reconcileReport = reconcileReportJob(engineRef, getScheduler);
  return {
    passwordExpiry,
    addressReleaseRetry,
    reconcileReport,
    all: [passwordExpiry, addressReleaseRetry, reconcileReport],
  };
}

const RECONCILE_ACTOR = {
  platform: 'system',
  id: 'reconcile-report',
  displayName: 'Periodic reconcile',
} as const;

/** Replaces the pending periodic reconcile with one at `at` (call once at start-up; each run schedules the next). */
export async function scheduleReconcile(
  scheduler: Scheduler,
  job: JobDefinition<typeof reconcileData>,
  intervalMs = DEFAULT_RECONCILE_INTERVAL_MS,
  at = new Date(Date.now() + intervalMs),
): Promise<void> {
  await scheduler.cancel(job);
  await scheduler.schedule(job, at, { intervalMs });
}

/**
 * EngineJobs on the scheduler: each schedule replaces the user's earlier job of the same kind (cancel by data,
 * then schedule). Agenda cancels by exact data, so an address retry is cancelled for both welcome choices
 * and the SKU it is rescheduled with; a retry left over with another SKU finds no waiting binding and does
 * nothing (the handler checks the binding's state).
 */
export function createEngineJobs(scheduler: Scheduler, jobs: EngineJobDefinitions): EngineJobs {
  const cancelRetry = async (userId: string, licenceSku?: string): Promise<void> => {
    for (const welcome of [true, false]) {
      await scheduler.cancel(jobs.addressReleaseRetry, { userId, welcome });
      if (licenceSku !== undefined)
        await scheduler.cancel(jobs.addressReleaseRetry, { userId, licenceSku, welcome });
    }
  };
  return {
    async schedulePasswordExpiry(userId, at, options = {}) {
      if (options.replacesEarlier !== false) await scheduler.cancel(jobs.passwordExpiry, { userId });
      await scheduler.schedule(jobs.passwordExpiry, at, { userId });
    },
    async cancelPasswordExpiry(userId) {
      await scheduler.cancel(jobs.passwordExpiry, { userId });
    },
    async scheduleAddressReleaseRetry(userId, at, bind = { welcome: true }) {
      await cancelRetry(userId, bind.licenceSku);
      await scheduler.schedule(jobs.addressReleaseRetry, at, { userId, ...bind });
    },
    async cancelAddressReleaseRetry(userId) {
      await cancelRetry(userId);
    },
  };
}

/**
 * Ready-made wiring for the static registry in bot/jobs.ts: add ENGINE_JOBS.all there, and at start-up call
 * attachEngineJobs(scheduler, engine) once both exist (EngineJobs for the engine: createEngineJobs(scheduler,
 * ENGINE_JOBS)).
 */
const defaultEngineRef = createEngineRef();
let defaultScheduler: Scheduler | undefined;
export const ENGINE_JOBS: EngineJobDefinitions = engineJobDefinitions(
  defaultEngineRef,
  () => defaultScheduler,
);

export function attachEngineJobs(scheduler: Scheduler, engine: Engine): void {
  defaultScheduler = scheduler;
  defaultEngineRef.set(engine);
}
