/**
 * Local mode end to end: the whole app in-process (startApp with every job, as `npm start` runs it) with no
 * Microsoft 365, Teams or Slack credentials. Teams activities go through the real botbuilder endpoint (their
 * serviceUrl is a loopback Bot Connector, so the bot's replies are recorded there); Slack requests are signed
 * with the local signing secret and answered in the app's own Slack stand-in; Microsoft 365 is the app's own
 * sandbox tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningApp } from '../../bot/app.js';
import { blocksText, LOCAL_SLACK_PATH } from '../../bot/composition/local-slack-route.js';
import { JOBS } from '../../bot/jobs.js';
import { LOCAL_NEW_HIRE_EMAILS, LOCAL_SLACK_SIGNING_SECRET } from '../../bot/local-mode.js';
import type { Sandbox } from '../../sandbox/server.js';
import type { SlackApi } from '../../sandbox/slack/api.js';
import { createSlackSender, type SlackSender } from '../../sandbox/slack/signed-requests.js';
import { startTeamsConnector, type TeamsConnector } from '../../sandbox/teams/connector.js';
import { FIRST_ADMIN, type TeamsPerson } from '../../sandbox/teams/playground-users.js';
import { getJson, startTestApp, testConfig } from '../support/app.js';
import { waitFor } from '../support/wait.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { cardOf, cardText } from '../teams/harness.js';

const NEW_HIRE = LOCAL_NEW_HIRE_EMAILS[0] ?? '';
const NORA_SLACK = 'U0ADMNORA';
const SAMIR_SLACK = 'U0APRSAMIR';
const IT_OPS = 'C0ITOPS001';
const APPROVALS = 'C0APPROVAL';

let dataDir: string;
let database: TestDatabase;
let app: RunningApp;
let connector: TeamsConnector;
let sandbox: Sandbox;
let slackApi: SlackApi;
let slack: SlackSender;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'm365-chatops-local-mode-'));
  // A fresh database for this file; the app opens its own connection to it.
  database = await openTestDatabase(import.meta.url);
  app = await startTestApp(testConfig(import.meta.url, { DATA_DIR: dataDir }), { jobs: JOBS });
  connector = await startTeamsConnector();
  if (app.local.sandbox === undefined || app.local.slackApi === undefined)
    throw new Error('local mode did not start its stand-ins');
  sandbox = app.local.sandbox;
  slackApi = app.local.slackApi;
  slack = createSlackSender({
    url: `${app.url}/slack/events`,
    signingSecret: LOCAL_SLACK_SIGNING_SECRET,
    api: slackApi,
  });
}, 120_000);

afterAll(async () => {
  await app.stop();
  await connector.close();
  await database.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function deliver(activity: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${app.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  const text = await response.text();
  await app.idle();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

/** Says `text` in the person's 1:1 chat; the card the bot's reply shows now (after in-place updates). */
async function sayInTeams(person: TeamsPerson, text: string) {
  const inbound = connector.inbound.personalMessage(person, text);
  expect((await deliver(inbound)).status).toBe(200);
  const conversationId = inbound.conversation.id;
  const reply = connector.sent(conversationId).at(-1);
  if (reply === undefined) throw new Error(`the bot did not answer "${text}"`);
  const shown = () => cardOf(connector.currentVersion(conversationId, reply.id));
  return { conversationId, messageId: reply.id, card: shown(), shown };
}

/** The data of the card's Action.Execute button with this verb. */
function buttonData(card: unknown, verb: string): Record<string, unknown> {
  const found = JSON.stringify(card).match(new RegExp(`"verb":"${verb}","data":(\\{[^}]*\\})`));
  if (found?.[1] === undefined) throw new Error(`the card has no ${verb} button`);
  return JSON.parse(found[1]) as Record<string, unknown>;
}

function clickInTeams(
  person: TeamsPerson,
  at: { conversationId: string; messageId: string },
  verb: string,
  card: unknown,
) {
  return deliver(
    connector.inbound.cardAction(person, {
      conversationId: at.conversationId,
      replyToId: at.messageId,
      verb,
      data: buttonData(card, verb),
    }),
  );
}

const slackText = (blocks: unknown[] | undefined, text: string) =>
  blocks === undefined ? text : blocksText(blocks).join('\n');

describe('npm start with nothing configured', () => {
  it('serves /readyz 200 with every part local, and says how to talk to it', async () => {
    expect(await getJson(`${app.url}/readyz`)).toMatchObject({ status: 200, body: { status: 'ready' } });
    expect(app.modes).toEqual({ graph: 'local', teams: 'local', slack: 'local' });
    const description = app.description.join('\n');
    expect(description).toContain('npm run playground');
    expect(description).toContain('npm run slack-local');
    expect(description).toContain(sandbox.baseUrl);
  });

  it('is connected to the sandbox tenant of the demo company', async () => {
    const status = await app.engine.status();
    expect(status.status).toBe('active');
    expect(status.connection?.tenantId).toBe(sandbox.options.tenantId);
    expect(
      sandbox.inspection.users().some((user) => user.userPrincipalName === "liam.o'brien@contoso.com"),
    ).toBe(true);
  });
});

describe('Teams in local mode (the Agents Playground sends no token)', () => {
  it('answers "help" from the Playground’s default user with the help card', async () => {
    const { card } = await sayInTeams(FIRST_ADMIN, 'help');
    expect(card?.version).toBe('1.5');
    expect(cardText(card)).toContain('password-reset');
    expect(cardText(card)).toContain('Your role: admin');
  });

  it('binds a new hire of the demo directory: plan card, confirm, the account exists in the sandbox tenant', async () => {
    const plan = await sayInTeams(FIRST_ADMIN, `bind ${NEW_HIRE}`);
    expect(cardText(plan.card)).toContain(NEW_HIRE);
    expect(sandbox.inspection.users().some((user) => user.userPrincipalName === NEW_HIRE)).toBe(false);

    expect((await clickInTeams(FIRST_ADMIN, plan, 'approve', plan.card)).status).toBe(200);

    const created = sandbox.inspection.users().filter((user) => user.userPrincipalName === NEW_HIRE);
    expect(created).toHaveLength(1);
    expect(created[0]?.accountEnabled).toBe(true);
    expect(cardText(plan.shown())).toContain('Done');
    // The welcome message goes out from the demo company's IT mailbox.
    expect(sandbox.inspection.sentMail()).toEqual(
      expect.arrayContaining([expect.objectContaining({ toRecipients: [NEW_HIRE] })]),
    );
  });
});

describe('Slack in local mode (the Slack API stand-in)', () => {
  it('answers a slash command signed with the local signing secret, in the stand-in', async () => {
    const before = slackApi.messages(IT_OPS).length;
    expect((await slack.slashCommand({ text: 'help', userId: NORA_SLACK, channelId: IT_OPS })).status).toBe(
      200,
    );
    await app.idle();
    const replies = slackApi.messages(IT_OPS).slice(before);
    expect(replies.map((message) => slackText(message.blocks, message.text)).join('\n')).toContain(
      'password-reset',
    );
  });

  it('refuses a forged signature', async () => {
    const forged = await slack.slashCommand(
      { text: 'help', userId: NORA_SLACK, channelId: IT_OPS },
      'forged',
    );
    expect(forged.status).toBe(401);
  });

  it('serves `npm run slack-local`: a command in, the bot’s replies out as text', async () => {
    const answer = await getJson(`${app.url}${LOCAL_SLACK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: `status ${NEW_HIRE}`, as: 'nora' }),
    });
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.body)).toContain(NEW_HIRE);
    expect(JSON.stringify(answer.body)).toContain('bound');
  });
});

describe('four eyes across platforms', () => {
  it('lets the approver approve in the Slack approvals channel what the first admin asked in Teams, not the admin', async () => {
    const plan = await sayInTeams(FIRST_ADMIN, `unbind ${NEW_HIRE}`);
    const own = await clickInTeams(FIRST_ADMIN, plan, 'approve', plan.card);
    expect(JSON.stringify(own.body)).toMatch(/can't approve your own request/);
    expect(
      sandbox.inspection.users().find((user) => user.userPrincipalName === NEW_HIRE)?.accountEnabled,
    ).toBe(true);

    const posted = await waitFor('the request in #approvals', () =>
      Promise.resolve(
        slackApi.messages(APPROVALS).find((message) => JSON.stringify(message.blocks).includes(NEW_HIRE)),
      ),
    );
    const answer = await getJson(`${app.url}${LOCAL_SLACK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ as: SAMIR_SLACK, channel: APPROVALS, click: 'approve' }),
    });
    expect(answer.status).toBe(200);
    expect(posted.channel).toBe(APPROVALS);

    expect(
      sandbox.inspection.users().find((user) => user.userPrincipalName === NEW_HIRE)?.accountEnabled,
    ).toBe(false);
    expect(cardText(plan.shown())).toContain('Done');
  });
});
