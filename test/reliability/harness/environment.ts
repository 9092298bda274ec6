import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../../storage/devdb/loopback-port.js';
import { createBotHandle, killAllBots, type BotHandle } from './bot-process.js';
import { startReliabilityDatabase, type ReliabilityDatabase } from './database.js';
import { startSandboxProcess, type SandboxProcess, type SandboxProcessOptions } from './sandbox-process.js';
import { slackPrincipal, SLACK_SIGNING_SECRET, startSlackSide, type SlackSide } from './slack.js';

/**
 * One reliability scenario's world: a database (a FerretDB of its own by default), the sandbox tenant in its
 * own process, the Slack stand-in in the test process, and any number of bot processes on that database,
 * configured as production is (Graph = the sandbox, Slack = the stand-in with a known signing secret; Teams
 * off). Everything is on 127.0.0.1.
 */

export interface EnvironmentOptions {
  /** Database name (and a label for logs), e.g. 'crash_restart'. */
  name: string;
  sandbox?: SandboxProcessOptions;
  /** Use the jest run's shared TEST_MONGODB_URI instead of a FerretDB of the test's own. */
  sharedDatabase?: boolean;
  /** Variables every bot gets on top of the harness's own (see botEnvironment). */
  botEnv?: Record<string, string>;
  /** Print every bot log line on stderr (debugging). Also on when RELIABILITY_ECHO=1. */
  echoBotLogs?: boolean;
}

export interface ReliabilityEnvironment {
  readonly database: ReliabilityDatabase;
  readonly sandbox: SandboxProcess;
  readonly slack: SlackSide;
  /** Starts a bot process (a free port of its own unless given) and waits until /readyz answers 200. */
  startBot(options?: { name?: string; env?: Record<string, string>; port?: number }): Promise<BotHandle>;
  /** Every bot handle started, in order. */
  readonly bots: readonly BotHandle[];
  /** Kills every bot, stops the sandbox, the Slack stand-in and the database, removes temporary folders. */
  close(): Promise<void>;
}

/**
 * The environment of every bot: what `npm start` reads (bot/config.ts). Nora, Samir and Grace are first
 * admins in Slack (an admin may also approve), so four-eyes flows have two people besides the requester.
 */
export function botEnvironment(input: {
  database: ReliabilityDatabase;
  sandbox: SandboxProcess;
  slack: SlackSide;
  dataDir: string;
}): Record<string, string> {
  const { bot } = input.slack.api.options;
  return {
    HOST: '127.0.0.1',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    MONGODB_URI: input.database.uri,
    MONGODB_DB: input.database.name,
    DATA_DIR: input.dataDir,
    SHUTDOWN_TIMEOUT_MS: '5000',
    GRAPH_SANDBOX_CONNECTION: input.sandbox.connectionJson,
    SLACK_SIGNING_SECRET,
    SLACK_BOT_TOKEN: bot.token,
    SLACK_API_URL: input.slack.api.apiUrl,
    SLACK_BOT_ID: bot.botId,
    SLACK_BOT_USER_ID: bot.userId,
    CHAT_FIRST_ADMINS: [slackPrincipal('nora'), slackPrincipal('samir'), slackPrincipal('grace')].join(','),
  };
}

export async function startReliabilityEnvironment(
  options: EnvironmentOptions,
): Promise<ReliabilityEnvironment> {
  const dataDir = await mkdtemp(join(tmpdir(), 'm365-chatops-reliability-'));
  const database = await startReliabilityDatabase(options.name, {
    ...(options.sharedDatabase === undefined ? {} : { useShared: options.sharedDatabase }),
  });
  const sandbox = await startSandboxProcess(options.sandbox);
  const slack = await startSlackSide();
  const baseEnv = { ...botEnvironment({ database, sandbox, slack, dataDir }), ...options.botEnv };
  const echo =
    options.echoBotLogs === true || process.env['RELIABILITY_ECHO'] === '1'
      ? (name: string) => (line: string) => process.stderr.write(`[${name}] ${line}\n`)
      : undefined;
  const bots: BotHandle[] = [];
  return {
    database,
    sandbox,
    slack,
    bots,
    async startBot(botOptions = {}) {
      const name = botOptions.name ?? (bots.length === 0 ? 'bot' : `bot-${String(bots.length + 1)}`);
      const handle = createBotHandle({
        name,
        port: botOptions.port ?? (await freeLoopbackPort()),
        env: { ...baseEnv, ...botOptions.env },
        ...(echo === undefined ? {} : { echo: echo(name) }),
      });
      bots.push(handle);
      await handle.restart();
      return handle;
    },
    async close() {
      await killAllBots();
      await slack.close().catch(() => undefined);
      await sandbox.close().catch(() => undefined);
      await database.close().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
