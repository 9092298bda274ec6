import { Agenda, type Job } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ObjectId, type Db } from 'mongodb';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { COLLECTIONS } from './collections.js';
import { StorageGuard } from './errors.js';

/**
 * A job the bot can schedule. Its data is validated with `data` when scheduled and again when it runs (a job
 * stored by an older version, or edited by hand, must not reach the handler unchecked).
 */
export interface JobDefinition<Schema extends z.ZodType = z.ZodType> {
  name: string;
  data: Schema;
  run(data: z.output<Schema>, context: { jobId: string; logger: Logger }): Promise<void>;
  /** How many of this job run at once in one process; default 5. */
  concurrency?: number;
  /** A lock older than this is considered abandoned (crashed process) and the job runs again. */
  lockLifetimeMs?: number;
}

export function defineJob<Schema extends z.ZodType>(
  definition: JobDefinition<Schema>,
): JobDefinition<Schema> {
  return definition;
}

export class InvalidJobDataError extends Error {
  readonly code = 'JOB_DATA_INVALID';
  constructor(
    readonly jobName: string,
    readonly problems: string,
  ) {
    super(`Job ${jobName} has invalid data: ${problems}`);
    this.name = 'InvalidJobDataError';
  }
}

export interface SchedulerOptions {
  /** How often each process polls for due jobs; default 5 s (tests use less). */
  processEveryMs?: number;
  /** Identifies this process in job locks. */
  name?: string;
  /**
   * Lock lifetime for definitions that set none; default 10 min. Agenda keeps a liveness timer of half this
   * per job run, and that timer outlives the job, so short-lived processes (tests) pass a short one.
   */
  defaultLockLifetimeMs?: number;
}

export interface Scheduler {
  schedule<S extends z.ZodType>(job: JobDefinition<S>, when: Date, data: z.input<S>): Promise<string>;
  now<S extends z.ZodType>(job: JobDefinition<S>, data: z.input<S>): Promise<string>;
  /**
   * A repeating job on a cron expression (e.g. '30 8 * * *') evaluated in an IANA `timezone`. One job per
   * `uniqueKey` (a query on the stored job, e.g. { 'data.subscriptionId': id }): scheduling it again replaces
   * its data and time instead of adding a second job. Remove it with cancel(job, data).
   */
  every<S extends z.ZodType>(
    job: JobDefinition<S>,
    cron: string,
    data: z.input<S>,
    options: { timezone: string; uniqueKey: Record<string, unknown> },
  ): Promise<string>;
  /** Removes every scheduled job of this definition whose data matches `dataMatch` exactly. */
  cancel(job: JobDefinition, data?: unknown): Promise<number>;
  isRunning(): boolean;
  /** Called when a job throws or its stored data is invalid. */
  onFailure(listener: (error: Error, jobName: string) => void): void;
  /** Waits up to `timeoutMs` for running jobs, then releases the locks of any still running, and stops polling. */
  stop(timeoutMs: number): Promise<void>;
}

function parseData<S extends z.ZodType>(job: JobDefinition<S>, data: unknown): z.output<S> {
  const parsed = job.data.safeParse(data);
  if (!parsed.success) {
    throw new InvalidJobDataError(job.name, parsed.error.issues.map((issue) => issue.message).join('; '));
  }
  return parsed.data;
}

/**
 * Agenda 6's drain() keeps the lock of a job still running at the timeout, and of jobs it locked ahead of their
 * due time, until the lock expires (lockLifetime, 10 min by default); its stop() does nothing after drain().
 * Released here instead: the interrupted ones to run again now (this process is about to exit), the others
 * at their due time. Only locks this process holds are touched (Agenda writes its name to lastModifiedBy).
 */
async function releaseLocks(db: Db, owner: string, interruptedIds: readonly string[]): Promise<void> {
  const jobs = db.collection(COLLECTIONS.agendaJobs);
  const held = { lastModifiedBy: owner, lockedAt: { $ne: null } };
  if (interruptedIds.length > 0) {
    const ids = interruptedIds.map((id) => new ObjectId(id));
    await jobs.updateMany(
      { ...held, _id: { $in: ids } },
      { $unset: { lockedAt: true }, $set: { nextRunAt: new Date() } },
    );
  }
  await jobs.updateMany(held, { $unset: { lockedAt: true } });
}

/**
 * Agenda on the bot's own database (collection `agendaJobs`). Agenda connects in its constructor, so this
 * must only be called with a connected Db. Jobs of every replica share the collection; Agenda's locks make
 * each job run in one process only.
 */
export async function startScheduler(
  db: Db,
  jobs: readonly JobDefinition[],
  logger: Logger,
  options: SchedulerOptions = {},
): Promise<Scheduler> {
  // Unique per process: Agenda records it in lastModifiedBy when it locks a job, which stop() relies on.
  const name = options.name ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: db, collection: COLLECTIONS.agendaJobs }),
    processEvery: options.processEveryMs ?? 5000,
    name,
  });
  const runningJobIds = new Set<string>();
  for (const definition of jobs) {
    agenda.define(
      definition.name,
      async (job: Job) => {
        const jobId = String(job.attrs._id);
        const data = parseData(definition, job.attrs.data);
        runningJobIds.add(jobId);
        try {
          await definition.run(data, { jobId, logger: logger.child({ job: definition.name, jobId }) });
        } finally {
          runningJobIds.delete(jobId);
        }
      },
      {
        concurrency: definition.concurrency ?? 5,
        lockLifetime: definition.lockLifetimeMs ?? options.defaultLockLifetimeMs ?? 10 * 60_000,
      },
    );
  }
  const failureListeners: ((error: Error, jobName: string) => void)[] = [];
  agenda.on('fail', (error: Error | string, job: { attrs?: { name?: string } }) => {
    const jobName = job.attrs?.name ?? 'unknown';
    logger.error({ job: jobName, err: error }, 'scheduled job failed');
    const failure = error instanceof Error ? error : new Error(error);
    for (const listener of failureListeners) listener(failure, jobName);
  });
  agenda.on('error', (error: Error) => {
    logger.error({ err: error }, 'scheduler error');
  });
  await agenda.ready;
  await agenda.start();
  let running = true;

  // Agenda's own database calls go through the same translation as the repositories' (storage/errors.ts).
  const guard = new StorageGuard(db);
  return {
    async schedule(job, when, data) {
      const saved = await guard.run(() => agenda.schedule(when, job.name, parseData(job, data)));
      return String(saved.attrs._id);
    },
    async now(job, data) {
      const saved = await guard.run(() => agenda.now(job.name, parseData(job, data)));
      return String(saved.attrs._id);
    },
    async every(job, cron, data, options) {
      // Not agenda.every(): it saves a 'single' job, one per job name, so a second subscription would replace
      // the first. A normal job with a unique key keeps one per key instead.
      const created = agenda.create(job.name, parseData(job, data));
      created.unique(options.uniqueKey);
      created.repeatEvery(cron, { timezone: options.timezone, skipImmediate: true });
      const saved = await guard.run(() => created.save());
      return String(saved.attrs._id);
    },
    cancel: (job, data) =>
      guard.run(() => agenda.cancel(data === undefined ? { name: job.name } : { name: job.name, data })),
    isRunning: () => running && agenda.isActiveJobProcessor(),
    onFailure: (listener) => failureListeners.push(listener),
    async stop(timeoutMs) {
      running = false;
      await agenda.drain({ timeout: timeoutMs, closeConnection: false });
      await releaseLocks(db, name, [...runningJobIds]);
    },
  };
}
