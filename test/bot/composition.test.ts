/**
 * The composition root with parts configured: Microsoft Graph pointed at a sandbox started apart from the bot
 * (as `npm run sandbox` runs it, through GRAPH_SANDBOX_CONNECTION), Slack and Teams configured for real (Slack
 * against a Slack API stand-in through SLACK_API_URL), and the Microsoft 365 connection at start: connected,
 * refused for a partner-managed tenant, and a database of another tenant refused outright.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { RunningApp } from '../../bot/app.js';
import { StartupError } from '../../bot/composition/startup-error.js';
import { JOBS } from '../../bot/jobs.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { startSlackApi, type SlackApi } from '../../sandbox/slack/api.js';
import { LOCAL_SLACK_BOT } from '../../sandbox/slack/options.js';
import { createSlackSender } from '../../sandbox/slack/signed-requests.js';
import { blocksText } from '../../bot/composition/local-slack-route.js';
import { captureLog, getJson, startTestApp, testConfig } from '../support/app.js';
import { openTestDatabase } from '../support/database.js';

const SIGNING_SECRET = 'c0mposition-test-signing-secret';
const IT_OPS = 'C0ITOPS001';
const OTHER_TENANT = '0b6a2f1e-9c4d-4e7a-8b3f-5d2c1a0e9f87';

let sandbox: Sandbox;
const running: RunningApp[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({});
});

afterAll(async () => {
  for (const app of running) await app.stop();
  await sandbox.close();
});

/** Starts the app on this file's database for `purpose` (dropped first), with every job. */
async function start(purpose: string, env: Record<string, string>, logger = captureLog('info').logger) {
  const fresh = await openTestDatabase(import.meta.url, purpose);
  await fresh.close();
  const app = await startTestApp(testConfig(import.meta.url, env, purpose), { jobs: JOBS, logger });
  running.push(app);
  return app;
}

const sandboxConnection = (target: Sandbox) => JSON.stringify(target.connection());

describe('Graph from GRAPH_SANDBOX_CONNECTION, chat local', () => {
  it('connects to that sandbox instead of starting its own, and keeps Teams and Slack local', async () => {
    const app = await start('sandboxline', { GRAPH_SANDBOX_CONNECTION: sandboxConnection(sandbox) });
    expect(app.modes).toEqual({ graph: 'sandbox-connection', teams: 'local', slack: 'local' });
    expect(app.local.sandbox).toBeUndefined();
    expect(app.local.slackApi).toBeDefined();
    const status = await app.engine.status();
    expect(status.status).toBe('active');
    expect(status.connection?.tenantId).toBe(sandbox.options.tenantId);
    expect(sandbox.inspection.requests().some((request) => request.path === '/v1.0/organization')).toBe(true);
    expect(app.description.join('\n')).toContain('Partly local');
    await app.stop();
    running.splice(running.indexOf(app), 1);
  });

  it('refuses to start on a database whose directory is connected to another tenant', async () => {
    const other = await startSandbox({ tenantId: OTHER_TENANT });
    try {
      const env = { GRAPH_SANDBOX_CONNECTION: sandboxConnection(other) };
      // The same database as the test above, whose directory is connected to the first sandbox's tenant.
      const attempt = startTestApp(testConfig(import.meta.url, env, 'sandboxline'), { jobs: JOBS });
      const outcome = await attempt.then(
        (app) => {
          running.push(app);
          return app;
        },
        (error: unknown) => error,
      );
      expect(outcome).toBeInstanceOf(StartupError);
      expect(String(outcome)).toMatch(
        new RegExp(
          `connected to Microsoft 365 tenant ${sandbox.options.tenantId}, but the configuration names tenant ${OTHER_TENANT}`,
        ),
      );
    } finally {
      await other.close();
    }
  });
});

describe('Teams and Slack configured', () => {
  let slackApi: SlackApi;
  let app: RunningApp;

  beforeAll(async () => {
    slackApi = await startSlackApi();
    app = await start('configured', {
      GRAPH_SANDBOX_CONNECTION: sandboxConnection(sandbox),
      MICROSOFT_APP_ID: '5b2e0c1d-7a34-4e8f-9b21-6c0d4e3f2a19',
      MICROSOFT_APP_PASSWORD: 'teams-app-password',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: LOCAL_SLACK_BOT.token,
      SLACK_API_URL: slackApi.apiUrl,
      CHAT_FIRST_ADMINS: 'slack:T0LOCAL001:U0ADMNORA',
    });
  });
  afterAll(async () => {
    await slackApi.close();
  });

  it('runs no stand-in of its own and serves no local helper', async () => {
    expect(app.modes).toEqual({ graph: 'sandbox-connection', teams: 'configured', slack: 'configured' });
    expect(app.local).toMatchObject({ sandbox: undefined, slackApi: undefined });
    expect((await getJson(`${app.url}/local/slack`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('refuses an activity without a token at /api/messages', async () => {
    // botbuilder reports the refusal on the console as well.
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const response = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'help', serviceUrl: 'http://127.0.0.1:9/' }),
    });
    expect(response.status).toBe(401);
    consoleError.mockRestore();
  });

  it('asked Slack who it is once at start, and answers the configured first admin, not someone else', async () => {
    expect(slackApi.calls().filter((call) => call.method === 'auth.test')).toEqual([
      { method: 'auth.test', ok: true },
    ]);
    const slack = createSlackSender({
      url: `${app.url}/slack/events`,
      signingSecret: SIGNING_SECRET,
      api: slackApi,
    });
    expect((await slack.slashCommand({ text: 'help', userId: 'U0ADMNORA', channelId: IT_OPS })).status).toBe(
      200,
    );
    expect(
      (await slack.slashCommand({ text: 'approvals', userId: 'U0GRACEOK', channelId: IT_OPS })).status,
    ).toBe(200);
    await app.idle();
    const help = slackApi.messages(IT_OPS).map((message) => blocksText(message.blocks).join('\n'));
    expect(help.join('\n')).toContain('Your role: admin');
    const refusal = slackApi.ephemerals('U0GRACEOK').map((message) => blocksText(message.blocks).join('\n'));
    expect(refusal.join('\n')).toMatch(/role/i);
  });
});

describe('a partner-managed tenant', () => {
  it('starts, says in one sentence why it is not connected, and refuses operations', async () => {
    const partner = await startSandbox({ partnerManaged: true });
    try {
      const log = captureLog('info');
      const app = await start(
        'partner',
        { GRAPH_SANDBOX_CONNECTION: sandboxConnection(partner) },
        log.logger,
      );
      expect((await getJson(`${app.url}/readyz`)).status).toBe(200);
      expect((await app.engine.status()).status).toBe('never-connected');
      const errors = log.records().filter((record) => record['level'] === 50);
      expect(errors.map((record) => record['msg'])).toEqual([
        expect.stringMatching(
          /^Not connected to Microsoft 365: This Microsoft 365 tenant is managed by a partner/,
        ),
      ]);
      await expect(
        app.engine.bind(['someone@contoso.com'], { actor: { platform: 'test', id: 't', displayName: 'T' } }),
      ).rejects.toThrow(/not connected/i);
    } finally {
      await partner.close();
    }
  });
});
