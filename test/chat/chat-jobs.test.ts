import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { chatJobDefinitions, createChatCoreRef, createChatJobs, dailyCron } from '../../bot/chat-jobs.js';
import type { ChatCore } from '../../commands/chat/ops.js';
import type { ChatJobs } from '../../commands/chat/ports.js';
import { COLLECTIONS } from '../../storage/collections.js';
import { startScheduler, type Scheduler } from '../../storage/scheduler.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';

/** The chat core's Agenda jobs on the dev database: approval expiry and one repeating digest per subscription. */

let database: TestDatabase;
let scheduler: Scheduler;
let jobs: ChatJobs;
const calls: string[] = [];
const waiters = new Map<string, () => void>();
const called = (call: string) => new Promise<void>((resolve) => waiters.set(call, resolve));
const record = (call: string): void => {
  calls.push(call);
  waiters.get(call)?.();
};

/** Only the two job handlers matter here. */
const core: ChatCore = {
  handleCommand: () => Promise.resolve([]),
  handleAction: () => Promise.resolve([]),
  bindMessage: () => Promise.resolve(),
  registerSurface: () => undefined,
  resumeInterrupted: () => Promise.resolve(0),
  expireRequest: (requestId) => {
    record(`expire ${requestId}`);
    return Promise.resolve();
  },
  postDigest: (subscriptionId) => {
    record(`digest ${subscriptionId}`);
    return Promise.resolve('posted');
  },
  idle: () => Promise.resolve(),
  stop: () => Promise.resolve(),
};

const definitions = (() => {
  const ref = createChatCoreRef();
  ref.set(core);
  return chatJobDefinitions(ref);
})();

beforeAll(async () => {
  database = await openTestDatabase(import.meta.url);
  scheduler = await startScheduler(database.db, definitions.all, pino({ level: 'silent' }), {
    processEveryMs: 100,
    defaultLockLifetimeMs: 2000,
  });
  jobs = createChatJobs(scheduler, definitions);
});
afterAll(async () => {
  await scheduler.stop(2000);
  await database.close();
});

const digestJobs = () =>
  database.db.collection(COLLECTIONS.agendaJobs).find({ name: 'chat.digest' }).toArray();

/** HH:MM of `date` in `timeZone`. */
function localTime(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
}

describe('digest jobs', () => {
  it('turns HH:MM into a daily cron expression', () => {
    expect(dailyCron('08:30')).toBe('30 8 * * *');
    expect(dailyCron('00:05')).toBe('5 0 * * *');
    expect(() => dailyCron('24:00')).toThrow('"24:00" is not a time of day (HH:MM).');
  });

  it('keeps one repeating job per subscription, at the local time in its zone', async () => {
    await jobs.scheduleDigest('teams:19:one', '07:00', 'America/New_York');
    await jobs.scheduleDigest('teams:19:one', '08:30', 'Europe/Paris');
    await jobs.scheduleDigest('slack:C2', '18:45', 'Asia/Tokyo');
    const stored = await digestJobs();
    expect(stored).toHaveLength(2);
    const one = stored.find(
      (job) => (job['data'] as { subscriptionId: string }).subscriptionId === 'teams:19:one',
    );
    expect(one?.['repeatInterval']).toBe('30 8 * * *');
    expect(one?.['repeatTimezone']).toBe('Europe/Paris');
    const next = one?.['nextRunAt'] as Date;
    expect(localTime(next, 'Europe/Paris')).toBe('08:30');
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(25 * 60 * 60 * 1000);
    const tokyo = stored.find((job) => job['repeatTimezone'] === 'Asia/Tokyo');
    expect(localTime(tokyo?.['nextRunAt'] as Date, 'Asia/Tokyo')).toBe('18:45');
  });

  it('removes the job on unsubscribe', async () => {
    await jobs.cancelDigest('teams:19:one');
    const stored = await digestJobs();
    expect(stored.map((job) => (job['data'] as { subscriptionId: string }).subscriptionId)).toEqual([
      'slack:C2',
    ]);
  });

  it('hands a due digest job to the core', async () => {
    const ran = called('digest slack:C2');
    await scheduler.now(definitions.digest, { subscriptionId: 'slack:C2' });
    await ran;
    expect(calls).toContain('digest slack:C2');
  });
});

describe('approval expiry jobs', () => {
  it('expires a request through the core when its time comes', async () => {
    const ran = called('expire req-1');
    await jobs.scheduleApprovalExpiry('req-1', new Date(Date.now() + 200));
    await ran;
    expect(calls.filter((call) => call === 'expire req-1')).toHaveLength(1);
  });

  it('cancels the expiry of a decided request', async () => {
    await jobs.scheduleApprovalExpiry('req-2', new Date(Date.now() + 60_000));
    await jobs.scheduleApprovalExpiry('req-2', new Date(Date.now() + 120_000));
    const pending = () =>
      database.db
        .collection(COLLECTIONS.agendaJobs)
        .countDocuments({ name: 'chat.approval-expiry', 'data.requestId': 'req-2' });
    expect(await pending()).toBe(1);
    await jobs.cancelApprovalExpiry('req-2');
    expect(await pending()).toBe(0);
  });
});
