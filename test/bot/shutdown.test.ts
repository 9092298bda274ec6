/**
 * Graceful shutdown and scheduled jobs: stop() lets a running job finish; a job that outlives the shutdown
 * timeout, or one this process had locked ahead of its time, is released so another replica runs it now
 * rather than after its lock expires.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ObjectId } from 'mongodb';
import { z } from 'zod';
import { COLLECTIONS } from '../../storage/collections.js';
import { defineJob } from '../../storage/scheduler.js';
import { startTestApp, testConfig } from '../support/app.js';
import { waitFor } from '../support/wait.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';

interface StoredJob {
  lockedAt?: Date | null;
  nextRunAt?: Date | null;
  lastFinishedAt?: Date | null;
}

let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase(import.meta.url);
});
afterAll(async () => {
  await database.close();
});

/** A job that records its steps and holds each run until the test releases it. */
function heldJob(name: string) {
  const events: string[] = [];
  const releases = new Map<string, (() => void)[]>();
  const started = new Map<string, () => void>();
  const job = defineJob({
    name,
    data: z.object({ key: z.string() }),
    run: async ({ key }) => {
      events.push(`started ${key}`);
      started.get(key)?.();
      await new Promise<void>((resolve) => releases.set(key, [...(releases.get(key) ?? []), resolve]));
      events.push(`finished ${key}`);
    },
  });
  return {
    job,
    events,
    hasStarted: (key: string) => new Promise<void>((resolve) => started.set(key, resolve)),
    /** Lets every run of `key` that is waiting finish. */
    release: (key: string) => {
      for (const resolve of releases.get(key) ?? []) resolve();
    },
  };
}

const storedJob = async (id: string) =>
  (await database.db
    .collection(COLLECTIONS.agendaJobs)
    .findOne({ _id: new ObjectId(id) })) as StoredJob | null;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('graceful shutdown with scheduled jobs', () => {
  it('waits for a running job to finish before closing the database, and leaves it unlocked', async () => {
    const held = heldJob('test-finishes');
    const app = await startTestApp(testConfig(import.meta.url, { SHUTDOWN_TIMEOUT_MS: '20000' }), {
      jobs: [held.job],
    });
    const started = held.hasStarted('a');
    const id = await app.scheduler.now(held.job, { key: 'a' });
    await started;

    const stopped = app.stop().then(() => held.events.push('app stopped'));
    await sleep(300); // long enough for a stop() that does not wait to be over
    held.events.push('released');
    held.release('a');
    await stopped;

    expect(held.events).toEqual(['started a', 'released', 'finished a', 'app stopped']);
    const stored = await storedJob(id);
    expect(stored?.lastFinishedAt).toBeInstanceOf(Date);
    expect(stored?.lockedAt ?? null).toBeNull();
  });

  it('releases the lock of a job still running at the timeout, so another process runs it again now', async () => {
    const held = heldJob('test-outlives');
    const config = testConfig(import.meta.url, { SHUTDOWN_TIMEOUT_MS: '300' });
    const first = await startTestApp(config, { jobs: [held.job] });
    const startedOnce = held.hasStarted('b');
    const id = await first.scheduler.now(held.job, { key: 'b' });
    await startedOnce;
    await first.stop();

    expect(held.events).toEqual(['started b']);
    const stored = await storedJob(id);
    // An expired lock stays in the document (lockedAt is only compared to the lifetime); only a release clears it.
    expect(stored?.lockedAt ?? null).toBeNull();
    expect(stored?.nextRunAt).toBeInstanceOf(Date);

    const startedAgain = held.hasStarted('b');
    const second = await startTestApp(config, { jobs: [held.job] });
    try {
      await startedAgain;
      expect(held.events).toEqual(['started b', 'started b']);
    } finally {
      held.release('b');
      await second.stop();
    }
  });

  it('releases a job it had locked ahead of its time without running it', async () => {
    const held = heldJob('test-ahead');
    const dueAt = new Date(Date.now() + 2000);
    const { insertedId } = await database.db.collection(COLLECTIONS.agendaJobs).insertOne({
      name: held.job.name,
      data: { key: 'c' },
      type: 'normal',
      priority: 0,
      nextRunAt: dueAt,
      lockedAt: null,
      lastModifiedBy: null,
    });
    const id = insertedId.toHexString();
    // Agenda locks, at each poll, the jobs due before its next poll: a long interval locks this one at start.
    const app = await startTestApp(testConfig(import.meta.url, { SHUTDOWN_TIMEOUT_MS: '300' }), {
      jobs: [held.job],
      scheduler: { processEveryMs: 60_000 },
    });
    await waitFor('the job to be locked ahead of its time', async () =>
      (await storedJob(id))?.lockedAt ? true : undefined,
    );
    await app.stop();

    const stored = await storedJob(id);
    expect(held.events).toEqual([]);
    expect(stored?.lockedAt ?? null).toBeNull();
    expect(stored?.nextRunAt?.getTime()).toBe(dueAt.getTime());
  });
});
