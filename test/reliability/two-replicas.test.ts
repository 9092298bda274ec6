import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  APPROVALS,
  bindingStates,
  IT_OPS,
  PEOPLE,
  reliabilityUser,
  seedDirectoryUsers,
  sleep,
  startReliabilityEnvironment,
  waitFor,
  type BotHandle,
  type Person,
  type ReliabilityEnvironment,
} from './harness/index.js';
import {
  allFinished,
  ask,
  clickOnAll,
  engineEvents,
  requestIdOf,
  requestSteps,
} from './replicas/approvals.js';
import {
  digestMinute,
  digestPosts,
  digestRuns,
  DIGEST_JOB,
  duplicateJobs,
  expirePasswordsNow,
  logRecords,
  slackCalls,
} from './replicas/jobs.js';

/**
 * Two bot processes on one database (the dev FerretDB), the sandbox tenant in a process of its own, Slack's
 * side in the test. The same approval clicked on both replicas at the same moment, 100 times, executes each
 * request once; password-expiry and digest jobs that fall due on both replicas take effect once.
 *
 * FerretDB 1.x applies a conditional update as read-then-write, so neither Agenda's job lock nor a plain
 * conditional update keeps two replicas apart there: what does is the bot's own lease (document-lock.ts) around
 * every state change. This test is what shows it.
 */

const REQUESTS = 100;
/** Requests asked at once, then approved at once (each on both replicas). */
const WAVE = 10;
const EXPIRING = 30;
/** Agenda polls every 5 s per replica: after this long, a job both replicas picked has run on both. */
const LATE_DUPLICATE_MS = 15_000;
/** Slack's chat.update allows 50 a minute; a queued card update may wait a minute for its turn. */
const LATE_CARD_UPDATE_MS = 70_000;

const approvalUsers = Array.from({ length: REQUESTS }, (_, i) => reliabilityUser(i + 1, 'replica.approval'));
const expiryUsers = Array.from({ length: EXPIRING }, (_, i) => reliabilityUser(i + 1, 'replica.expiry'));

let world: ReliabilityEnvironment;
let replicas: BotHandle[];
/** The plan cards (message ts in #it-ops) of the 100 requests, once asked. */
const approvalCards: string[] = [];

beforeAll(async () => {
  world = await startReliabilityEnvironment({
    name: 'two_replicas',
    sandbox: { throttling: 'off' },
    // A single bind needs an approver other than the requester: Nora asks, Samir approves.
    botEnv: { APPROVAL_SECOND_ADMIN: 'bind' },
  });
  await seedDirectoryUsers(world.database.db, [...approvalUsers, ...expiryUsers]);
  replicas = [await world.startBot({ name: 'replica-a' }), await world.startBot({ name: 'replica-b' })];
}, 180_000);

afterAll(async () => {
  const folder = await mkdtemp(join(tmpdir(), 'two-replicas-logs-'));
  for (const bot of world.bots)
    for (const [index, life] of bot.lives.entries())
      await writeFile(join(folder, `${bot.name}-${String(index + 1)}.log`), life.lines.join('\n'));
  note(`bot logs in ${folder}`);
  await world.close();
});

/** Whether the card posted at `ts` in #it-ops was ever updated to its Done state. */
function wasShownDone(ts: string): boolean {
  return world.slack.api.updates(IT_OPS).some((update) => update.ts === ts && /— Done/.test(update.text));
}

/** Figures for the report, on stderr. */
function note(line: string): void {
  process.stderr.write(`[two-replicas] ${line}\n`);
}

/** The replicas take turns: request i is asked on replica i mod 2. */
function replica(index: number): BotHandle {
  const bot = replicas[index % replicas.length];
  if (bot === undefined) throw new Error('the replicas are not running');
  return bot;
}

/** Non-GET Graph requests other than $batch envelopes (whose items are logged one by one). */
async function graphWrites() {
  return (await world.sandbox.requests()).filter(
    (request) => request.method !== 'GET' && request.path !== '/v1.0/$batch',
  );
}

async function accountIds(emails: readonly string[]): Promise<Map<string, string[]>> {
  const wanted = new Set(emails.map((email) => email.toLowerCase()));
  const ids = new Map<string, string[]>();
  for (const user of await world.sandbox.users()) {
    const upn = user.userPrincipalName.toLowerCase();
    if (wanted.has(upn)) ids.set(upn, [...(ids.get(upn) ?? []), user.id]);
  }
  return ids;
}

describe('two replicas on one database', () => {
  it('executes each of 100 requests once when the same approval is clicked on both replicas at once', async () => {
    await world.sandbox.clearRequests();
    const emails = approvalUsers.map((user) => user.email);
    const requestIds: string[] = [];
    const began = Date.now();
    for (let start = 0; start < REQUESTS; start += WAVE) {
      const wave = emails.slice(start, start + WAVE);
      // Asked on alternating replicas; every approval then reaches both replicas at the same moment.
      const buttons = await Promise.all(
        wave.map((email, index) =>
          ask(world, replica(index), `bind ${email} --no-welcome`, {
            marker: (text) => text.includes(email),
          }),
        ),
      );
      await Promise.all(buttons.map((button) => clickOnAll(world, replicas, button, 'samir')));
      requestIds.push(...buttons.map(requestIdOf));
      approvalCards.push(...buttons.map((button) => button.ts));
      // One wave at a time, until its cards were updated to Done: Slack allows ~50 card updates a minute, and
      // each request updates its card several times, so a backlog would hold the next plan cards back.
      await allFinished(world, requestIds, 600_000);
      await waitFor(
        `the cards of wave ${String(start / WAVE + 1)} to be updated to Done`,
        () => (buttons.every((button) => wasShownDone(button.ts)) ? true : undefined),
        300_000,
        1000,
      );
      note(
        `wave ${String(start / WAVE + 1)} done after ${String(Math.round((Date.now() - began) / 1000))} s; Slack: ${JSON.stringify(slackCalls(world))}`,
      );
    }
    await sleep(LATE_DUPLICATE_MS);

    const steps = await requestSteps(world);
    const once = { requested: 1, approved: 1, executing: 1, completed: 1 };
    expect(new Set(requestIds).size).toBe(REQUESTS);
    expect(Object.fromEntries(requestIds.map((id) => [id, steps.get(id)]))).toEqual(
      Object.fromEntries(requestIds.map((id) => [id, once])),
    );
    const binds = await engineEvents(world, 'bind');
    expect(Object.fromEntries(emails.map((email) => [email, binds.get(email)]))).toEqual(
      Object.fromEntries(emails.map((email) => [email, { succeeded: 1 }])),
    );
    // Microsoft 365 saw one write per request: its create, accepted.
    const writes = await graphWrites();
    expect(writes.map((write) => `${write.method} ${write.path} ${String(write.status)}`)).toEqual(
      emails.map(() => 'POST /v1.0/users 201'),
    );
    const accounts = await accountIds(emails);
    expect(emails.filter((email) => accounts.get(email)?.length !== 1)).toEqual([]);
    const states = await bindingStates(world.database.db);
    expect(emails.filter((email) => states.get(email) !== 'bound')).toEqual([]);
  }, 900_000);

  it('leaves every card of those requests showing Done, whichever replica answered the second click', async () => {
    expect(approvalCards).toHaveLength(REQUESTS);
    // The losing replica answers its click with the card as it read it; that update may wait out Slack's rate
    // limit and land after the winner's Done. Give late updates time to arrive, then read every card.
    await sleep(LATE_CARD_UPDATE_MS);
    const headline = (ts: string) => world.slack.currentText(IT_OPS, ts).split('\n')[0] ?? '';
    const stale = approvalCards.filter((ts) => !/— Done$/.test(headline(ts)));
    note(
      `cards: ${String(REQUESTS - stale.length)} of ${String(REQUESTS)} end Done; the others: ${JSON.stringify(stale.map(headline))}`,
    );
    expect(stale.map(headline)).toEqual([]);
  }, 300_000);

  it('suspends each user once when their password-expiry jobs fall due on both replicas', async () => {
    const emails = expiryUsers.map((user) => user.email);
    const button = await ask(world, replica(0), `bind ${emails.join(' ')} --no-welcome`, {
      marker: (text) => text.includes(`Bind ${String(EXPIRING)} users`),
    });
    await clickOnAll(world, replicas, button, 'samir');
    await allFinished(world, [requestIdOf(button)], 300_000);
    const accounts = await accountIds(emails);
    expect(emails.filter((email) => accounts.get(email)?.length !== 1)).toEqual([]);

    await world.sandbox.clearRequests();
    expect(await expirePasswordsNow(world.database.db, emails)).toBe(EXPIRING);
    const runs = async () => {
      const events = [...(await engineEvents(world, 'password-expiry')).values()];
      return events.flatMap((counts) => Object.values(counts)).reduce((sum, count) => sum + count, 0);
    };
    // Each user's job is there twice (as if both replicas had locked it): 2 runs per user.
    await waitFor(
      'every password-expiry job to run twice',
      async () => ((await runs()) >= 2 * EXPIRING ? true : undefined),
      180_000,
      1000,
    );
    await sleep(LATE_DUPLICATE_MS);

    const expiries = await engineEvents(world, 'password-expiry');
    // Each user suspended by exactly one run; every other run of the user's jobs found nothing to do. (Runs may
    // exceed the two copies: Agenda's lock, a read-then-write on FerretDB, can let both replicas run one copy.)
    const outcomes = (email: string) => ({ succeeded: 0, skipped: 0, ...expiries.get(email) });
    expect(Object.fromEntries(emails.map((email) => [email, outcomes(email).succeeded]))).toEqual(
      Object.fromEntries(emails.map((email) => [email, 1])),
    );
    expect(emails.filter((email) => outcomes(email).skipped < 1)).toEqual([]);
    expect(await runs()).toBe(
      emails.reduce((sum, email) => sum + outcomes(email).succeeded + outcomes(email).skipped, 0),
    );
    // One write per user: sign-in blocked once.
    const patches = new Map<string, number>();
    for (const write of await graphWrites()) patches.set(write.path, (patches.get(write.path) ?? 0) + 1);
    const expected = new Map(emails.map((email) => [`/v1.0/users/${accounts.get(email)?.[0] ?? ''}`, 1]));
    expect(Object.fromEntries(patches)).toEqual(Object.fromEntries(expected));
    const disabled = (await world.sandbox.users()).filter(
      (user) => emails.includes(user.userPrincipalName.toLowerCase()) && !user.accountEnabled,
    );
    expect(disabled).toHaveLength(EXPIRING);
    const states = await bindingStates(world.database.db);
    expect(emails.filter((email) => states.get(email) !== 'suspended-password-expired')).toEqual([]);
    note(
      `password expiry: ${String(EXPIRING)} users, ${String(2 * EXPIRING)} jobs, ${String(await runs())} job runs (per replica ${replicas.map((bot) => logRecords([bot], 'password expiry').length).join(' / ')}), ${String(patches.size)} users blocked, each once`,
    );
  }, 600_000);

  it('posts one digest per subscription and day when the digest jobs fall due on both replicas', async () => {
    const subscribers: { person: Person; channel: string }[] = [
      { person: 'nora', channel: IT_OPS },
      { person: 'nora', channel: APPROVALS },
      ...(['nora', 'samir', 'grace'] as const).map((person) => ({
        person,
        channel: world.slack.api.openDirectMessage(PEOPLE[person]),
      })),
    ];
    const channels = subscribers.map((subscriber) => subscriber.channel);
    const subscribeAll = async (time: string): Promise<void> => {
      await Promise.all(
        subscribers.map(async ({ person, channel }, index) => {
          const button = await ask(world, replica(index), `digest subscribe ${time} UTC`, {
            person,
            channel,
            marker: (text) => text.includes('Subscribe to the daily digest') && text.includes(time),
          });
          await clickOnAll(world, replicas, button, person);
          await allFinished(world, [requestIdOf(button)], 120_000);
        }),
      );
    };
    const runsSoFar = () => Object.values(digestRuns(replicas)).reduce((sum, count) => sum + count, 0);

    const first = digestMinute(40_000);
    await subscribeAll(first.time);
    // Each subscription's job is there twice (as if both replicas had locked it).
    expect(await duplicateJobs(world.database.db, { name: DIGEST_JOB })).toBe(subscribers.length);
    expect(Date.now()).toBeLessThan(first.at.getTime());
    await waitFor(
      'a digest in every subscribed conversation',
      () => ([...digestPosts(world, channels).values()].every((posts) => posts >= 1) ? true : undefined),
      first.at.getTime() - Date.now() + 120_000,
      1000,
    );
    await sleep(LATE_DUPLICATE_MS);
    // Both copies ran (more runs when Agenda's lock let both replicas run one copy), one of them posted.
    expect(runsSoFar()).toBeGreaterThanOrEqual(2 * subscribers.length);
    expect(Object.fromEntries(digestPosts(world, channels))).toEqual(
      Object.fromEntries(channels.map((channel) => [channel, 1])),
    );
    note(
      `digest, first time: ${JSON.stringify(digestRuns(replicas))} (per replica ${replicas.map((bot) => logRecords([bot], 'daily digest').length).join(' / ')})`,
    );

    // The same day, at another time: the job runs again, and posts nothing new.
    const runsBefore = runsSoFar();
    const second = digestMinute(40_000);
    await subscribeAll(second.time);
    await waitFor(
      'the second digest runs',
      () => (runsSoFar() >= runsBefore + subscribers.length ? true : undefined),
      second.at.getTime() - Date.now() + 120_000,
      1000,
    );
    await sleep(LATE_DUPLICATE_MS);
    const days = new Set([first.at, second.at].map((at) => at.toISOString().slice(0, 10))).size;
    expect(Object.fromEntries(digestPosts(world, channels))).toEqual(
      Object.fromEntries(channels.map((channel) => [channel, days])),
    );
    note(`digest job runs: ${JSON.stringify(digestRuns(replicas))}`);
  }, 600_000);
});
