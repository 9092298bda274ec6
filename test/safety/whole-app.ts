import { jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import type { RunningApp } from '../../bot/app.js';
import { JOBS } from '../../bot/jobs.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { startSlackApi, type SlackApi } from '../../sandbox/slack/api.js';
import { LOCAL_SLACK_BOT } from '../../sandbox/slack/options.js';
import { createRepositories } from '../../storage/repositories/index.js';
import { captureLog, startTestApp, testConfig, type CapturedLog } from '../support/app.js';
import { directoryUser } from '../support/engine.js';

/**
 * The whole app in-process for the secrets scan (test/safety/secrets.test.ts): startApp with every job at
 * trace level, its log and everything libraries print on the console captured, on a fresh sandbox tenant (the
 * demo company) reached through GRAPH_SANDBOX_CONNECTION with a known client secret, and optionally a Slack
 * API stand-in of its own with a known bot token.
 */

/** The demo company's mailbox that sends welcome mail. */
export const WELCOME_SENDER = 'sarah.kelly@contoso.com';

export interface Started {
  dataDir: string;
  sandbox: Sandbox;
  log: CapturedLog;
  app: RunningApp;
  /** Everything printed with console.* while the app ran. */
  console: string[];
  stopped?: Promise<void>;
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

/** Keeps what is printed on the console (and keeps it off the test output). */
function captureConsole(): string[] {
  const lines: string[] = [];
  for (const method of CONSOLE_METHODS) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(format(...args));
    });
  }
  return lines;
}

/** Stops the app once (a test stops it to flush the last log lines; afterAll makes sure). */
export function stopApp(started: Started): Promise<void> {
  started.stopped ??= started.app.stop();
  return started.stopped;
}

export async function startWith(
  testFile: string,
  graphSecret: string,
  env: Record<string, string>,
  purpose: string,
  newHires: readonly string[],
  extra: { slackToken?: string } = {},
): Promise<Started & { slackApi?: SlackApi }> {
  const dataDir = await mkdtemp(join(tmpdir(), `m365-chatops-secrets-${purpose}-`));
  const sandbox = await startSandbox({ size: 'demo', clientSecret: graphSecret, throttling: 'off' });
  const slackApi =
    extra.slackToken === undefined
      ? undefined
      : await startSlackApi({ bot: { ...LOCAL_SLACK_BOT, token: extra.slackToken } });
  const log = captureLog('trace');
  const printed = captureConsole();
  const config = testConfig(
    testFile,
    {
      LOG_LEVEL: 'trace',
      DATA_DIR: dataDir,
      GRAPH_SANDBOX_CONNECTION: JSON.stringify(sandbox.connection()),
      WELCOME_SENDER,
      ...(slackApi === undefined ? {} : { SLACK_API_URL: slackApi.apiUrl }),
      ...env,
    },
    purpose,
  );
  const app = await startTestApp(config, { logger: log.logger, jobs: JOBS });
  const users = createRepositories(app.database.db, { clock: { now: () => new Date() } }).users;
  for (const email of newHires) await users.insert(directoryUser(email));
  return { dataDir, sandbox, log, app, console: printed, ...(slackApi === undefined ? {} : { slackApi }) };
}

export async function stopAll(started: Started, ...others: { close(): Promise<void> }[]): Promise<void> {
  await stopApp(started);
  for (const other of others) await other.close();
  await started.sandbox.close();
  await rm(started.dataDir, { recursive: true, force: true });
  jest.restoreAllMocks();
}

export function passwordOf(sandbox: Sandbox, email: string): string {
  const password = sandbox.inspection.users().find((user) => user.userPrincipalName === email)?.password;
  if (password === undefined || password === null || password === '')
    throw new Error(`the sandbox recorded no password for ${email}`);
  return password;
}
