/**
 * chatAck ("ack"): how fast the bot answers the platform's HTTP request while bulk Graph work runs. A 500-user
 * bind runs through the engine in the background; once it is under way, 100 Teams messages (from 100 viewers,
 * each in their own personal chat) and 100 signed Slack slash commands arrive at once. Each command is
 * `status <a user being bound>`.
 *
 * What runs where:
 * - In this process, measured: the whole bot as `npm start` runs it with only Graph configured (startApp with
 *   GRAPH_SANDBOX_CONNECTION): database driver, Agenda, engine, chat core, the real botbuilder CloudAdapter at
 *   /api/messages and the real Bolt app at /slack/events, logging at info (to a sink). Also here, because local
 *   mode starts them with the bot: the Slack Web API stand-in and the benchmark's Teams Bot Connector stand-in,
 *   which only receive the commands' replies (about 2 % of the loop's time during the burst, by a CPU profile).
 * - In processes of their own: Microsoft Graph — the sandbox tenant (`npm run sandbox`, demo company, 50–150 ms
 *   latency per request and $batch item, published throttling), because Graph is never on the bot's event loop
 *   in production (in the bot's process it took ~11 % of the loop's busy time during the bind, by a CPU profile,
 *   besides its share of HTTP parsing and garbage collection); the database (FerretDB, or MONGODB_URI); and the
 *   client that sends the requests (ack-client.ts).
 *
 * Ack = time from the moment a request was written to its connection until the bot's complete HTTP response,
 * measured by a separate client process that sends the two platforms' requests interleaved (ack-client.ts),
 * each on a connection of its own. Both platforms answer before the command's work runs: Slack's listeners ack
 * first (Bolt, processBeforeResponse false), a Teams message is answered once authenticated; the work then runs
 * a few at a time (bot/http/after-ack.ts), and background work yields while a burst of requests is arriving
 * (bot/http/pending-acks.ts). The burst's replies are counted and the time until all its work is done is
 * reported beside the acks, with the 1-minute load average of the machine at the burst.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startApp, type RunningApp } from '../bot/app.js';
import { loadConfig } from '../bot/config.js';
import { JOBS } from '../bot/jobs.js';
import { LOCAL_SLACK_SIGNING_SECRET } from '../bot/local-mode.js';
import { createLogger } from '../bot/logger.js';
import { startTeamsConnector, type TeamsConnector } from '../sandbox/teams/connector.js';
import { createRepositories } from '../storage/repositories/index.js';
import { createChatRepositories } from '../storage/repositories/chat/index.js';
import { openBenchDatabase } from './support/database.js';
import { BENCH_ACTOR, benchDirectoryUser } from './support/engine.js';
import type { Ack, AckJob } from './support/ack-client.js';
import {
  grantViewers,
  percentile,
  sendFromClient,
  slashCommandForms,
  teamsActivities,
  teamsPeople,
} from './support/chat-load.js';
import { SANDBOX_LATENCY, TIME_SCALE } from './support/realism.js';
import { startSandboxProcess, type SandboxChild } from './support/sandbox-process.js';
import type { Benchmark } from './types.js';

const COMMANDS = 100;
const BULK_USERS = 500;
/** The burst starts once this many users of the background bind are done (the bulk work is in full swing). */
const BULK_UNDER_WAY = 10;
const WARM_UP = 3;
const SEQUENTIAL = 10;
const log = (line: string): void => {
  process.stderr.write(`  [ack] ${line}\n`);
};

interface Fixture {
  app: RunningApp;
  connector: TeamsConnector;
  people: ReturnType<typeof teamsPeople>;
  emails: string[];
}

async function prepare(app: RunningApp): Promise<Fixture> {
  const db = app.database.db;
  const repositories = createRepositories(db);
  const users = Array.from({ length: BULK_USERS }, (_, index) =>
    benchDirectoryUser(index + 1, 'contoso.com'),
  );
  for (const user of users) await repositories.users.insert(user);
  const people = teamsPeople(COMMANDS);
  await grantViewers(createChatRepositories(db).roles, people, new Date());
  const connector = await startTeamsConnector({ users: people });
  return { app, connector, people, emails: users.map((user) => user.email) };
}

/** The requests of one round: person i asks in Teams, the Slack admin in #it-ops, about user i of the bind. */
function requests(fixture: Fixture, round: number, people = fixture.people): Omit<AckJob, 'mode'> {
  const { app, connector, emails } = fixture;
  const api = app.local.slackApi;
  if (api === undefined) throw new Error('the app did not start its local Slack API');
  const texts = people.map(
    (_, index) => `status ${emails[(round * COMMANDS + index) % emails.length] ?? ''}`,
  );
  return {
    botUrl: app.url,
    teams: teamsActivities(connector, people, texts),
    slack: slashCommandForms(api, { userId: 'U0ADMNORA', channelId: 'C0ITOPS001' }, texts),
    signingSecret: LOCAL_SLACK_SIGNING_SECRET,
  };
}

interface Summary {
  p50: number;
  p99: number;
  max: number;
  failed: number;
}

function summary(acks: readonly Ack[]): Summary {
  const times = acks.map((ack) => ack.ms);
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: Math.max(...times),
    failed: acks.filter((ack) => ack.status !== 200).length,
  };
}

/** What the bot has answered so far: activities sent to the Bot Connector, and Slack posts of any kind. */
function repliesSoFar(fixture: Fixture): { teams: number; slack: number } {
  const api = fixture.app.local.slackApi;
  const slack =
    api === undefined ? 0 : api.messages().length + api.ephemerals().length + api.responseUrlPosts().length;
  return { teams: fixture.connector.sent().length, slack };
}

/**
 * Both platforms' commands at once; the summaries, the event loop's delay meanwhile (p99, ms), how many
 * replies the commands got, and how long until all their work was done (the acks come first; the replies
 * follow, paced by the platforms' rate limits).
 */
async function measuredBurst(fixture: Fixture, round: number) {
  const job: AckJob = { ...requests(fixture, round), mode: 'burst' };
  const before = repliesSoFar(fixture);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const [loadAverage = 0] = loadavg();
  const started = performance.now();
  loop.enable();
  const { teams: teamsAcks, slack: slackAcks } = await sendFromClient(job);
  loop.disable();
  await fixture.app.idle();
  const workDoneMs = performance.now() - started;
  const after = repliesSoFar(fixture);
  return {
    teams: summary(teamsAcks),
    slack: summary(slackAcks),
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    // A single stall hides below p99 in a burst this short.
    loopDelayMaxMs: loop.max / 1e6,
    replies: { teams: after.teams - before.teams, slack: after.slack - before.slack },
    workDoneMs,
    loadAverage,
  };
}

/** One command at a time on each platform: what a command costs with nothing else going on. */
async function sequential(fixture: Fixture, round: number): Promise<{ teams: number; slack: number }> {
  const job: AckJob = {
    ...requests(fixture, round, fixture.people.slice(0, SEQUENTIAL)),
    mode: 'sequential',
  };
  const { teams, slack } = await sendFromClient(job);
  await fixture.app.idle();
  return { teams: summary(teams).p50, slack: summary(slack).p50 };
}

/** Runs a 500-user bind in the background; `underWay` resolves once it is (or once it ended early). */
function backgroundBind(fixture: Fixture) {
  const controller = new AbortController();
  const progress = { done: 0 };
  let markUnderWay: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markUnderWay = resolve));
  const finished = fixture.app.engine
    .bind(fixture.emails, {
      actor: BENCH_ACTOR,
      welcome: false,
      signal: controller.signal,
      onProgress: (update) => {
        progress.done = update.done;
        if (update.done >= BULK_UNDER_WAY) markUnderWay();
      },
    })
    .then(
      () => null,
      (error: unknown) => (controller.signal.aborted ? null : error),
    );
  return {
    progress,
    underWay: Promise.race([started, finished]),
    /** Stops the bind; resolves with its failure, if it failed before it was stopped. */
    stop: async (): Promise<unknown> => {
      controller.abort(new Error('benchmark over'));
      return finished;
    },
  };
}

async function measure(fixture: Fixture): Promise<Record<string, number>> {
  // A few commands first, as a running bot has served some (first-call compilation aside).
  for (let round = 0; round < WARM_UP; round += 1) {
    await sendFromClient({ ...requests(fixture, round, fixture.people.slice(0, 2)), mode: 'burst' });
  }
  await fixture.app.idle();
  const alone = await sequential(fixture, WARM_UP);
  const idle = await measuredBurst(fixture, WARM_UP + 1);
  const bulk = backgroundBind(fixture);
  await bulk.underWay;
  const doneBefore = bulk.progress.done;
  const loaded = await measuredBurst(fixture, WARM_UP + 2);
  const bulkDuringBurst = bulk.progress.done - doneBefore;
  const bulkFailure = await bulk.stop();
  await fixture.app.idle();
  log(`one at a time: teams p50 ${alone.teams.toFixed(0)} ms, slack p50 ${alone.slack.toFixed(0)} ms`);
  log(`burst, no bulk work: ${JSON.stringify(idle)}`);
  log(`burst during the bind: ${JSON.stringify(loaded)}`);
  log(
    `background bind: ${String(doneBefore)} users done before the burst, ${String(bulkDuringBurst)} during it`,
  );
  if (bulkFailure !== null)
    log(
      `the background bind failed: ${bulkFailure instanceof Error ? bulkFailure.message : 'unknown error'}`,
    );
  return {
    'teams.p50Ms': loaded.teams.p50,
    'teams.p99Ms': loaded.teams.p99,
    'teams.failed': loaded.teams.failed,
    'slack.p50Ms': loaded.slack.p50,
    'slack.p99Ms': loaded.slack.p99,
    'slack.failed': loaded.slack.failed,
    eventLoopDelayP99Ms: loaded.loopDelayP99Ms,
    eventLoopDelayMaxMs: loaded.loopDelayMaxMs,
    'teams.replies': loaded.replies.teams,
    'slack.replies': loaded.replies.slack,
    burstWorkDoneSeconds: loaded.workDoneMs / 1000,
    bulkUsersBoundDuringBurst: bulkDuringBurst,
    bulkFailed: bulkFailure === null ? 0 : 1,
    'idle.teams.p99Ms': idle.teams.p99,
    'idle.slack.p99Ms': idle.slack.p99,
    'idle.eventLoopDelayP99Ms': idle.loopDelayP99Ms,
    'idle.eventLoopDelayMaxMs': idle.loopDelayMaxMs,
    'idle.burstWorkDoneSeconds': idle.workDoneMs / 1000,
    loadAverage1m: loaded.loadAverage,
    'single.teams.p50Ms': alone.teams,
    'single.slack.p50Ms': alone.slack,
  };
}

async function run(): Promise<Record<string, number>> {
  const database = await openBenchDatabase('chat_ack', log);
  const dataDir = await mkdtemp(join(tmpdir(), 'm365-chatops-bench-app-'));
  let app: RunningApp | undefined;
  let connector: TeamsConnector | undefined;
  let sandbox: SandboxChild | undefined;
  try {
    sandbox = await startSandboxProcess({ size: 'demo', latency: SANDBOX_LATENCY, timeScale: TIME_SCALE });
    const config = loadConfig({
      GRAPH_SANDBOX_CONNECTION: sandbox.connectionJson,
      PORT: '0',
      HOST: '127.0.0.1',
      MONGODB_URI: database.uri,
      MONGODB_DB: database.db.databaseName,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '5000',
    });
    // Info, as in production; the lines go nowhere (formatting them is part of the cost, printing them not).
    const logger = createLogger({ level: 'info', format: 'json', destination: { write: () => undefined } });
    app = await startApp(config, logger, { jobs: JOBS });
    const fixture = await prepare(app);
    connector = fixture.connector;
    return await measure(fixture);
  } finally {
    await app?.stop();
    await connector?.close();
    await sandbox?.close();
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export const chatAckBenchmark: Benchmark = {
  name: 'ack',
  targets: [
    { field: 'ack.teams.p99Ms', target: '< 300' },
    { field: 'ack.slack.p99Ms', target: '< 300' },
  ],
  run,
};
