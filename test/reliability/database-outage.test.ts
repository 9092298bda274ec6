/**
 * Item 4, database outage mid-run: while a bulk bind runs, the bot's database goes away — first killed
 * (connections refused) and started again on the same port and data folder, later frozen (SIGSTOP: the port
 * stays open but nothing answers) and thawed. Meanwhile chat commands must get a clear "temporarily
 * unavailable" answer and GET /readyz must answer 503 with the reason; once the database is back the run must
 * resume and finish with no user lost or done twice.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  bindingStates,
  type BotHandle,
  command,
  type ReliabilityEnvironment,
  sleep,
  startReliabilityEnvironment,
  waitFor,
} from './harness/index.js';
import {
  approveAs,
  askLicensedBind,
  auditedSuccesses,
  cardProgress,
  cardTotals,
  exactlyOnce,
  type ExactlyOnceReport,
  log as logFor,
  logScenarioEnd,
  SKU,
  waitForTotals,
} from './support/bulk-bind.js';

const USERS = 400;
const OUTAGE_MS = 15_000;
const ANSWER_WAIT_MS = 30_000;
const log = logFor('database-outage');

/** The bot's warnings and errors since line `from` of its current life, each message once with a count. */
function botTrouble(bot: BotHandle, from: number): string {
  const counts = new Map<string, number>();
  for (const record of bot.life.records().slice(from)) {
    if (Number(record['level']) < 40) continue;
    const key = `${String(record['msg'])}${record['err'] === undefined ? '' : ` (${JSON.stringify(record['err']).slice(0, 80)})`}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([message, count]) => `${String(count)}× ${message}`).join('; ');
}

interface Readiness {
  status: number;
  body: unknown;
}

interface OutageObservation {
  kind: 'killed' | 'frozen';
  progressBefore: number;
  readyz: Readiness;
  commandAnswer: string;
  readyAfter: number;
  progressResumedAfterMs: number;
}

interface Outcome {
  emails: string[];
  requestId: string;
  outages: OutageObservation[];
  report: ExactlyOnceReport;
  finalCard: string;
  states: Map<string, string>;
  audited: Map<string, number>;
  seconds: number;
}

let world: ReliabilityEnvironment;
let outcome: Outcome;

async function readyz(bot: BotHandle): Promise<Readiness> {
  const response = await fetch(`${bot.url}/readyz`, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

/** Every private answer Slack received (ephemerals and response_url posts), as text. */
function privateAnswers(): string[] {
  return [
    ...world.slack.api.ephemerals().map((ephemeral) => JSON.stringify([ephemeral.text, ephemeral.blocks])),
    ...world.slack.api.responseUrlPosts().map((post) => JSON.stringify(post.body)),
  ];
}

/** Sends `status <email>` during the outage and waits for the answer that arrives. */
async function commandDuringOutage(bot: BotHandle, email: string): Promise<string> {
  const before = privateAnswers().length;
  const answer = await command(world.slack.senderFor(bot.url), `status ${email}`, 'nora');
  if (answer.status !== 200) return `HTTP ${String(answer.status)}`;
  // A command that gets no answer at all is recorded as such (and fails the check), not thrown.
  return waitFor(
    'an answer to the command',
    () => privateAnswers().slice(before).join('\n') || undefined,
    ANSWER_WAIT_MS,
  ).catch(() => `no answer within ${String(ANSWER_WAIT_MS)} ms`);
}

async function outage(
  bot: BotHandle,
  kind: OutageObservation['kind'],
  card: () => string,
  email: string,
): Promise<OutageObservation> {
  const progressBefore = cardProgress(card()).done;
  const logFrom = bot.life.records().length;
  log(`${kind} the database at ${String(progressBefore)} users done`);
  const started = Date.now();
  if (kind === 'killed') await world.database.kill();
  else world.database.pause();
  const readiness = await waitFor(
    '/readyz to report the outage',
    async () => {
      const current = await readyz(bot).catch(() => undefined);
      return current?.status === 503 ? current : undefined;
    },
    30_000,
    250,
  );
  const commandAnswer = await commandDuringOutage(bot, email);
  await sleep(Math.max(0, OUTAGE_MS - (Date.now() - started)));
  if (kind === 'killed') await world.database.restart();
  else world.database.resume();
  const back = Date.now();
  await waitFor(
    '/readyz 200 again',
    async () => ((await readyz(bot)).status === 200 ? true : undefined),
    60_000,
    250,
  );
  const readyAfter = Date.now() - back;
  const resumed = await waitFor(
    'the run to make progress again',
    () => {
      const progress = cardProgress(card());
      return progress.finished || progress.done > progressBefore ? Date.now() : undefined;
    },
    240_000,
    250,
  );
  log(`  command answer: ${commandAnswer.slice(0, 300)}`);
  log(`  bot warnings: ${botTrouble(bot, logFrom)}`);
  log(
    `  /readyz ${JSON.stringify(readiness)}; ready ${String(readyAfter)} ms and progressing ${String(resumed - back)} ms after the database came back`,
  );
  return {
    kind,
    progressBefore,
    readyz: readiness,
    commandAnswer,
    readyAfter,
    progressResumedAfterMs: resumed - back,
  };
}

async function runScenario(): Promise<Outcome> {
  const started = Date.now();
  const { emails, bot, plan, requestId, card } = await askLicensedBind(world, USERS);
  await approveAs(world, bot, plan, ['samir', 'grace']);
  const outages: OutageObservation[] = [];
  for (const [kind, at] of [
    ['killed', USERS * 0.2],
    ['frozen', USERS * 0.6],
  ] as const) {
    await waitFor(
      `${String(at)} users done`,
      () => (cardProgress(card()).done >= at ? true : undefined),
      300_000,
      200,
    );
    outages.push(await outage(bot, kind, card, emails[0] ?? ''));
  }
  await waitForTotals(card);
  const users = await world.sandbox.users();
  return {
    emails,
    requestId,
    outages,
    report: exactlyOnce(await world.sandbox.requests(), users, emails),
    finalCard: card(),
    states: await bindingStates(world.database.db),
    audited: await auditedSuccesses(world, 'bind', requestId),
    seconds: (Date.now() - started) / 1000,
  };
}

beforeAll(async () => {
  world = await startReliabilityEnvironment({
    name: 'database_outage',
    sandbox: { size: 'S', throttling: 'published', addSeats: { skuPartNumber: SKU, seats: USERS } },
  });
  outcome = await runScenario();
  await logScenarioEnd(world, log, outcome);
}, 15 * 60_000);

afterAll(async () => {
  await world.close();
});

describe(`a ${String(USERS)}-user bind while the database is killed, then frozen`, () => {
  it.each(['killed', 'frozen'])(
    'answers chat with "temporarily unavailable" while the database is %s',
    (kind) => {
      const observation = outcome.outages.find((entry) => entry.kind === kind);
      expect(observation?.commandAnswer).toContain('temporarily unavailable');
    },
  );

  it.each(['killed', 'frozen'])('reports 503 with the reason on /readyz while the database is %s', (kind) => {
    const observation = outcome.outages.find((entry) => entry.kind === kind);
    expect(observation?.readyz).toEqual({
      status: 503,
      body: expect.objectContaining({ status: 'unavailable', reason: 'database unreachable' }),
    });
  });

  it('resumes the run once the database is back and finishes it: all done, none failed', () => {
    expect(outcome.outages.map((entry) => entry.progressResumedAfterMs)).toHaveLength(2);
    expect(cardTotals(outcome.finalCard)).toEqual({ done: USERS, skipped: 0, failed: 0 });
  });

  it('loses no user and does none twice in Microsoft 365', () => {
    expect(outcome.report.missing).toEqual([]);
    expect(outcome.report.createdOk).toBe(USERS);
    expect(outcome.report.createsRefused).toEqual({});
    expect(outcome.report.licenceTwice).toEqual({});
    expect(outcome.report.accountsWithoutOneLicence).toEqual([]);
  });

  it('leaves every directory user bound and audited once', () => {
    expect(outcome.emails.filter((email) => outcome.states.get(email.toLowerCase()) !== 'bound')).toEqual([]);
    expect(outcome.emails.filter((email) => outcome.audited.get(email.toLowerCase()) !== 1)).toEqual([]);
  });
});
