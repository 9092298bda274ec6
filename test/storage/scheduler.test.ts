import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { z } from 'zod';
import { COLLECTIONS } from '../../storage/collections.js';
import { defineJob, InvalidJobDataError, startScheduler, type Scheduler } from '../../storage/scheduler.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';

const silent = pino({ level: 'silent' });
let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase(import.meta.url);
});
afterAll(async () => {
  await database.close();
});

/** A job whose runs are recorded, and a promise for the next run of a given key. */
function recordingJob() {
  const runs: string[] = [];
  const waiters = new Map<string, () => void>();
  const job = defineJob({
    name: 'test-record',
    data: z.object({ key: z.string().min(1) }),
    run: async ({ key }) => {
      runs.push(key);
      waiters.get(key)?.();
      await Promise.resolve();
    },
  });
  const ranOnce = (key: string) => new Promise<void>((resolve) => waiters.set(key, resolve));
  return { job, runs, ranOnce };
}

async function withScheduler<T>(
  jobs: Parameters<typeof startScheduler>[1],
  use: (s: Scheduler) => Promise<T>,
) {
  const scheduler = await startScheduler(database.db, jobs, silent, {
    processEveryMs: 100,
    defaultLockLifetimeMs: 1000,
  });
  try {
    return await use(scheduler);
  } finally {
    await scheduler.stop(2000);
  }
}

describe('scheduler (Agenda on the dev database)', () => {
  it('runs a job scheduled for a moment in the future', async () => {
    const { job, runs, ranOnce } = recordingJob();
    await withScheduler([job], async (scheduler) => {
      const ran = ranOnce('soon');
      await scheduler.schedule(job, new Date(Date.now() + 300), { key: 'soon' });
      await ran;
    });
    expect(runs).toEqual(['soon']);
  });

  it('still runs a job scheduled before the scheduler restarted', async () => {
    const { job, runs, ranOnce } = recordingJob();
    await withScheduler([job], async (scheduler) => {
      await scheduler.schedule(job, new Date(Date.now() + 1500), { key: 'across-restart' });
    });
    expect(runs).toEqual([]);
    await withScheduler([job], async () => {
      await ranOnce('across-restart');
    });
    expect(runs).toEqual(['across-restart']);
  });

  it('refuses to schedule a job whose data does not match its schema', async () => {
    const { job } = recordingJob();
    await withScheduler([job], async (scheduler) => {
      await expect(scheduler.now(job, { key: '' })).rejects.toBeInstanceOf(InvalidJobDataError);
    });
    expect(await database.db.collection(COLLECTIONS.agendaJobs).countDocuments({ 'data.key': '' })).toBe(0);
  });

  it('does not run the handler for stored job data that fails validation', async () => {
    const { job, runs } = recordingJob();
    await withScheduler([job], async (scheduler) => {
      const failed = new Promise<string>((resolve) => {
        scheduler.onFailure((error) => {
          resolve(error.message);
        });
      });
      await database.db.collection(COLLECTIONS.agendaJobs).insertOne({
        name: job.name,
        data: { key: 42 },
        type: 'normal',
        priority: 0,
        nextRunAt: new Date(),
        lockedAt: null,
        lastModifiedBy: null,
      });
      expect(await failed).toMatch(/test-record has invalid data/);
    });
    expect(runs).toEqual([]);
  });

  it('cancels scheduled jobs by data, leaving others', async () => {
    const { job, runs, ranOnce } = recordingJob();
    await withScheduler([job], async (scheduler) => {
      const at = new Date(Date.now() + 600);
      await scheduler.schedule(job, at, { key: 'cancelled' });
      await scheduler.schedule(job, at, { key: 'kept' });
      expect(await scheduler.cancel(job, { key: 'cancelled' })).toBe(1);
      await ranOnce('kept');
      await new Promise((resolve) => setTimeout(resolve, 400));
    });
    expect(runs).toEqual(['kept']);
  });
});
