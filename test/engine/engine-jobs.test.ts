import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import {
  createEngineJobs,
  createEngineRef,
  engineJobDefinitions,
  scheduleReconcile,
  type EngineJobDefinitions,
} from '../../bot/engine-jobs.js';
import { NotConnectedError } from '../../commands/errors.js';
import { createEngine, type Engine } from '../../commands/engine/engine.js';
import type { UserResult } from '../../commands/engine/results.js';
import { COLLECTIONS } from '../../storage/collections.js';
import { startScheduler, type Scheduler } from '../../storage/scheduler.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { ADMIN, directoryUser, openEngine } from '../support/engine.js';

/** The Agenda-backed EngineJobs and the engine's job definitions, on the dev database. */
let database: TestDatabase;
let scheduler: Scheduler;
let definitions: EngineJobDefinitions;
const calls: string[] = [];
const failures: string[] = [];
const ref = createEngineRef(5_000);
let connected = true;

const skipped = (email: string): UserResult => ({ email, outcome: 'skipped', changes: [] });

function stubEngine(): Engine {
  const unexpected = () => Promise.reject(new Error('not used by jobs'));
  const guard = <T>(value: T): Promise<T> =>
    connected ? Promise.resolve(value) : Promise.reject(new NotConnectedError());
  return {
    status: unexpected,
    connect: unexpected,
    deactivate: unexpected,
    importPreview: unexpected,
    streamImportPreview: () => ({
      [Symbol.asyncIterator]: () => ({ next: unexpected }),
    }),
    import: unexpected,
    bind: unexpected,
    unbind: unexpected,
    block: unexpected,
    unblock: unexpected,
    resetPassword: unexpected,
    expirePassword: (userId) => {
      calls.push(`expire:${userId}`);
      return guard(skipped(userId));
    },
    retryAddressRelease: (input) => {
      calls.push(`retry:${input.userId}:${input.licenceSku ?? '-'}:${String(input.welcome)}`);
      return guard(skipped(input.userId));
    },
    reconcile: (options) => {
      calls.push(`reconcile:${String(options.fix)}`);
      return guard({
        fix: false,
        dryRun: false,
        checked: 0,
        inSync: 0,
        drifted: 0,
        fixed: 0,
        missing: 0,
        failed: 0,
        results: [],
      });
    },
    expiring: unexpected,
  };
}

interface StoredJob {
  name: string;
  data: unknown;
  nextRunAt: Date | null;
}

const jobDocuments = (name: string, db = database.db) =>
  db.collection<StoredJob>(COLLECTIONS.agendaJobs).find({ name }).toArray();

async function eventually(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not met in time');
}

beforeAll(async () => {
  database = await openTestDatabase(import.meta.url);
  const holder: { scheduler?: Scheduler } = {};
  definitions = engineJobDefinitions(ref, () => holder.scheduler);
  const started = await startScheduler(database.db, definitions.all, pino({ level: 'silent' }), {
    processEveryMs: 50,
    defaultLockLifetimeMs: 1000,
  });
  holder.scheduler = started;
  scheduler = started;
  scheduler.onFailure((error, name) => failures.push(`${name}: ${error.message}`));
  ref.set(stubEngine());
});
afterAll(async () => {
  await scheduler.stop(2000);
  await database.close();
});

describe('EngineJobs on Agenda', () => {
  it('a password-expiry schedule replaces the earlier one for the same user; cancel removes it', async () => {
    const jobs = createEngineJobs(scheduler, definitions);
    const later = new Date(Date.now() + 3_600_000);
    await jobs.schedulePasswordExpiry('user-a', new Date(Date.now() + 1_800_000));
    await jobs.schedulePasswordExpiry('user-a', later);
    await jobs.schedulePasswordExpiry('user-b', later);
    const stored = await jobDocuments('engine.password-expiry');
    expect(stored.map((job) => [job.data, job.nextRunAt?.getTime()])).toEqual(
      expect.arrayContaining([
        [{ userId: 'user-a' }, later.getTime()],
        [{ userId: 'user-b' }, later.getTime()],
      ]),
    );
    expect(stored).toHaveLength(2);
    await jobs.cancelPasswordExpiry('user-a');
    expect((await jobDocuments('engine.password-expiry')).map((job) => job.data)).toEqual([
      { userId: 'user-b' },
    ]);
    await jobs.cancelPasswordExpiry('user-b');
  });

  it('an address-release retry keeps the bind options, replaces the earlier one, and is cancelled by user', async () => {
    const jobs = createEngineJobs(scheduler, definitions);
    const at = new Date(Date.now() + 3_600_000);
    await jobs.scheduleAddressReleaseRetry('user-c', at, { licenceSku: 'SPE_E5', welcome: false });
    await jobs.scheduleAddressReleaseRetry('user-c', at, { licenceSku: 'SPE_E5', welcome: false });
    await jobs.scheduleAddressReleaseRetry('user-d', at, { welcome: true });
    expect((await jobDocuments('engine.address-release-retry')).map((job) => job.data)).toEqual(
      expect.arrayContaining([
        { userId: 'user-c', licenceSku: 'SPE_E5', welcome: false },
        { userId: 'user-d', welcome: true },
      ]),
    );
    expect(await jobDocuments('engine.address-release-retry')).toHaveLength(2);
    await jobs.cancelAddressReleaseRetry('user-d');
    expect(await jobDocuments('engine.address-release-retry')).toHaveLength(1);
    await scheduler.cancel(definitions.addressReleaseRetry);
  });
});

describe('engine job definitions', () => {
  it('password-expiry and address-release-retry jobs call the engine with their data', async () => {
    await scheduler.now(definitions.passwordExpiry, { userId: 'user-e' });
    await scheduler.now(definitions.addressReleaseRetry, {
      userId: 'user-f',
      licenceSku: 'SPE_E3',
      welcome: true,
    });
    await eventually(() => calls.includes('expire:user-e') && calls.includes('retry:user-f:SPE_E3:true'));
    expect(failures).toEqual([]);
  });

  it('the periodic reconcile runs in report mode and schedules its next run', async () => {
    await scheduleReconcile(scheduler, definitions.reconcileReport, 60_000, new Date());
    await eventually(() => calls.includes('reconcile:false'));
    await eventually(async () => {
      const pending = await jobDocuments('engine.reconcile-report');
      return pending.some((job) => (job.nextRunAt?.getTime() ?? 0) > Date.now() + 30_000);
    });
    await scheduler.cancel(definitions.reconcileReport);
  });

  it('jobs that find the connection deactivated do nothing and do not fail', async () => {
    connected = false;
    await scheduler.now(definitions.passwordExpiry, { userId: 'user-g' });
    await eventually(() => calls.includes('expire:user-g'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(failures).toEqual([]);
    connected = true;
  });
});

describe('the engine on Agenda-backed jobs', () => {
  it('binding a user stores its password-expiry job at expiresAt', async () => {
    const holder: { scheduler?: Scheduler } = {};
    const engineRef = createEngineRef(5_000);
    const engineDefinitions = engineJobDefinitions(engineRef, () => holder.scheduler);
    const harness = await openEngine(import.meta.url, { purpose: 'agenda' });
    const engineScheduler = await startScheduler(
      harness.database.db,
      engineDefinitions.all,
      pino({ level: 'silent' }),
      {
        processEveryMs: 1000,
        defaultLockLifetimeMs: 1000,
      },
    );
    holder.scheduler = engineScheduler;
    try {
      const jobsEngine = createEngine({
        ...harness.repositories,
        gateway: harness.gateway,
        jobs: createEngineJobs(engineScheduler, engineDefinitions),
        clock: harness.clock,
        settings: harness.settings,
      });
      engineRef.set(jobsEngine);
      const user = await harness.repositories.users.insert(directoryUser('agnes.agenda@contoso.com'));
      const report = await jobsEngine.bind([user.email], { actor: ADMIN, welcome: false });
      expect(report.totals.done).toBe(1);
      const stored = await jobDocuments('engine.password-expiry', harness.database.db);
      const expiresAt = (await harness.repositories.users.findById(user.id))?.password?.expiresAt;
      expect(stored.map((job) => [job.data, job.nextRunAt])).toEqual([[{ userId: user.id }, expiresAt]]);
    } finally {
      await engineScheduler.stop(2000);
      await harness.close();
    }
  });
});
