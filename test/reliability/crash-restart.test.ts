/**
 * Item 1, crash and restart: a 1,000-user bind (create + E3 licence) asked and approved in Slack, the bot
 * SIGKILLed at 10 seeded random points and started again each time (same database, same sandbox tenant in its
 * own process, same Slack stand-in). Afterwards Microsoft 365 must hold every account exactly once with one
 * licence, the directory must show every user bound and audited once, the card must end with the right
 * totals, and a password-expiry job scheduled before the first kill must have fired after a restart.
 *
 * RELIABILITY_SEED=<n> replays the kill points of a run (the seed is printed at the start).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  auditEvents,
  bindingStates,
  type BotHandle,
  expireDeadLeases,
  IT_OPS,
  type ReliabilityEnvironment,
  scenarioSeed,
  seededRandom,
  type SeededRandom,
  sleep,
  startReliabilityEnvironment,
  waitFor,
} from './harness/index.js';
import {
  approveAs,
  askBind,
  askLicensedBind,
  auditedSuccesses,
  cardProgress,
  cardTotals,
  exactlyOnce,
  type ExactlyOnceReport,
  log as logFor,
  logScenarioEnd,
  seedTakeoverUser,
  SKU,
  waitForTotals,
} from './support/bulk-bind.js';

const USERS = 1000;
const KILLS = 10;
const log = logFor('crash-restart');
const seed = scenarioSeed();
const random = seededRandom(seed);

interface KillPoint {
  index: number;
  kind: 'early' | 'startup' | 'progress';
  /** ms after approval / after ready, or the users-done count waited for. */
  at: number;
  progressAtKill: number;
  secondsIntoRun: number;
  /** Date.now() at the kill. */
  killedAt: number;
}

interface Outcome {
  emails: string[];
  requestId: string;
  kills: KillPoint[];
  report: ExactlyOnceReport;
  finalCard: string;
  audited: Map<string, number>;
  states: Map<string, string>;
  job: { email: string; m365Id: string; dueAt: number; firedState: string | undefined; enabled: boolean };
  jobAudits: number;
  seconds: number;
}

let world: ReliabilityEnvironment;
let outcome: Outcome;

function planKills(rng: SeededRandom): Omit<KillPoint, 'progressAtKill' | 'secondsIntoRun' | 'killedAt'>[] {
  const targets = Array.from({ length: KILLS }, () => rng.between(30, Math.floor(USERS * 0.9))).sort(
    (a, b) => a - b,
  );
  return targets.map((target, index) => {
    if (index === 0) return { index, kind: 'early', at: rng.between(1000, 4000) };
    if (rng.next() < 0.3) return { index, kind: 'startup', at: rng.between(0, 1500) };
    return { index, kind: 'progress', at: target };
  });
}

/** Waits until the kill point is reached (or the run finished), keeping clear of the job's due time. */
async function reachKillPoint(
  point: Omit<KillPoint, 'progressAtKill' | 'secondsIntoRun' | 'killedAt'>,
  card: () => string,
  jobFired: () => Promise<boolean>,
  dueAt: number,
): Promise<void> {
  if (point.kind !== 'progress') await sleep(point.at);
  else
    await waitFor(
      `${String(point.at)} users done (kill point ${String(point.index + 1)})`,
      () => {
        const progress = cardProgress(card());
        return progress.finished || progress.done >= point.at ? true : undefined;
      },
      300_000,
      200,
    );
  if (point.kind === 'progress') await sleep(random.between(0, 1000));
  // Agenda locks a job up to one poll (5 s) before it is due; a kill then would delay it by the lock's 10 min.
  const now = Date.now();
  if (now > dueAt - 7000 && !(await jobFired()))
    await waitFor(
      'the password-expiry job',
      async () => ((await jobFired()) ? true : undefined),
      60_000,
      250,
    );
}

async function killAndRestart(bot: BotHandle): Promise<void> {
  const status = await bot.kill();
  if (status.signal !== 'SIGKILL') throw new Error(`the bot exited by itself: ${JSON.stringify(status)}`);
  const ended = await expireDeadLeases(world.database.db);
  const started = Date.now();
  await bot.restart();
  log(`  restarted in ${String(Date.now() - started)} ms (leases ended: ${JSON.stringify(ended)})`);
}

async function prepareJob(bot: BotHandle) {
  const dueAt = Date.now() + 45_000;
  const job = await seedTakeoverUser(world, new Date(dueAt));
  const confirm = await askBind(world, bot, [job.email], { marker: (text) => text.includes(job.email) });
  await approveAs(world, bot, confirm, ['nora']);
  await waitFor(
    'the takeover bind to finish',
    () => (cardProgress(world.slack.currentText(IT_OPS, confirm.ts)).finished ? true : undefined),
    60_000,
    200,
  );
  return { ...job, dueAt };
}

async function runScenario(): Promise<Outcome> {
  const started = Date.now();
  const { emails, bot, plan, requestId, card } = await askLicensedBind(world, USERS);
  const job = await prepareJob(bot);
  log(`plan ready and password-expiry job due in ${String(job.dueAt - Date.now())} ms; approving`);
  await approveAs(world, bot, plan, ['samir', 'grace']);
  const runStart = Date.now();
  // Finished = audited; a kill between its state change and its Graph call is a separate finding (report).
  const jobFired = async () =>
    (await auditEvents(world.database.db)).some(
      (event) =>
        event['action'] === 'password-expiry' &&
        String(event['target']).toLowerCase() === job.email.toLowerCase(),
    );
  const kills: KillPoint[] = [];
  for (const point of planKills(random)) {
    await reachKillPoint(point, card, jobFired, job.dueAt);
    const progress = cardProgress(card());
    kills.push({
      ...point,
      progressAtKill: progress.done,
      secondsIntoRun: (Date.now() - runStart) / 1000,
      killedAt: Date.now(),
    });
    log(
      `kill ${String(point.index + 1)}: ${point.kind} ${String(point.at)}, card shows ${String(progress.done)} done`,
    );
    await killAndRestart(bot);
  }
  await waitForTotals(card);
  await waitFor('the password-expiry job', async () => ((await jobFired()) ? true : undefined), 120_000, 500);
  return collect({ emails, requestId, kills, job, card: card(), bot, started });
}

async function collect(input: {
  emails: string[];
  requestId: string;
  kills: KillPoint[];
  job: { email: string; m365Id: string; dueAt: number };
  card: string;
  bot: BotHandle;
  started: number;
}): Promise<Outcome> {
  const users = await world.sandbox.users();
  const report = exactlyOnce(await world.sandbox.requests(), users, input.emails);
  const states = await bindingStates(world.database.db);
  const audited = await auditedSuccesses(world, 'bind', input.requestId);
  const jobAccount = users.find((user) => user.id === input.job.m365Id);
  const jobAudits = (await auditEvents(world.database.db)).filter(
    (event) =>
      event['action'] === 'password-expiry' &&
      String(event['target']).toLowerCase() === input.job.email.toLowerCase() &&
      event['outcome'] === 'succeeded',
  ).length;
  return {
    emails: input.emails,
    requestId: input.requestId,
    kills: input.kills,
    report,
    finalCard: input.card,
    audited,
    states,
    job: {
      ...input.job,
      firedState: states.get(input.job.email.toLowerCase()),
      enabled: jobAccount?.accountEnabled ?? true,
    },
    jobAudits,
    seconds: (Date.now() - input.started) / 1000,
  };
}

beforeAll(async () => {
  log(`seed ${String(seed)} (replay with RELIABILITY_SEED=${String(seed)})`);
  world = await startReliabilityEnvironment({
    name: 'crash_restart',
    sandbox: { size: 'S', throttling: 'published', addSeats: { skuPartNumber: SKU, seats: USERS } },
  });
  outcome = await runScenario();
  await logScenarioEnd(world, log, outcome);
}, 15 * 60_000);

afterAll(async () => {
  await world.close();
});

describe(`a ${String(USERS)}-user bind approved in Slack while the bot is SIGKILLed ${String(KILLS)} times`, () => {
  it('survives every kill point: each restart became ready again', () => {
    expect(outcome.kills).toHaveLength(KILLS);
    expect(world.bots[0]?.lives).toHaveLength(KILLS + 1);
  });

  it('creates every account exactly once in Microsoft 365 (no create repeated)', () => {
    expect(outcome.report.missing).toEqual([]);
    expect(outcome.report.duplicateUpns).toEqual([]);
    expect(outcome.report.accounts).toBe(USERS);
    expect(outcome.report.createdOk).toBe(USERS);
    expect(outcome.report.createsRefused).toEqual({});
  });

  it('assigns the licence at most once per account, and every account ends with it exactly once', () => {
    expect(outcome.report.licenceTwice).toEqual({});
    expect(outcome.report.licenceOk).toBe(USERS);
    expect(outcome.report.accountsWithoutOneLicence).toEqual([]);
  });

  it('leaves every directory user bound', () => {
    const notBound = outcome.emails.filter((email) => outcome.states.get(email.toLowerCase()) !== 'bound');
    expect(notBound).toEqual([]);
  });

  it('audits every user of the run once as succeeded, under the request id', () => {
    const missing = outcome.emails.filter((email) => !outcome.audited.has(email.toLowerCase()));
    const twice = [...outcome.audited].filter(([, count]) => count > 1);
    expect(missing).toEqual([]);
    expect(twice).toEqual([]);
  });

  it('ends the card with the right totals: all done, none failed', () => {
    expect(cardTotals(outcome.finalCard)).toEqual({ done: USERS, skipped: 0, failed: 0 });
  });

  it('fires a password-expiry job scheduled before the first kill after a restart, once', () => {
    expect(outcome.kills[0]?.killedAt).toBeLessThan(outcome.job.dueAt);
    expect(outcome.job.firedState).toBe('suspended-password-expired');
    expect(outcome.job.enabled).toBe(false);
    expect(outcome.jobAudits).toBe(1);
  });
});
