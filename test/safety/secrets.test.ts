/**
 * Secrets stay secret through a realistic day of work, with the whole app in-process (startApp with every job,
 * as `npm start` runs it) and KNOWN secret values configured. Everything the bot produced is captured: every
 * log line (trace level), every message, update, ephemeral and file in the Slack Web API stand-in, every
 * activity sent to the Teams Bot Connector stand-in, and every document in the database (audit log included).
 * None shows a configured secret, a bearer token, or a generated password — except each generated password
 * exactly once, in the private delivery to the admin who asked.
 *
 * Two runs, because offline Teams can only be driven without authentication:
 * - configured: Graph through GRAPH_SANDBOX_CONNECTION (a sandbox tenant with a known client secret), Slack
 *   configured (known signing secret and bot token, against the Slack stand-in), Teams configured (known app
 *   password: its activities need a Bot Framework token, which cannot be minted offline, so only refused
 *   requests reach it). The work is done in Slack: a role grant, a bind creating two accounts, a password reset,
 *   an unbind approved by a second person in #approvals, the audit log as CSV.
 * - Teams: the same Graph setup with Teams and Slack local, so activities go through the real botbuilder
 *   endpoint to the Bot Connector stand-in: a bind and a password reset asked in a team channel.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { LOCAL_SLACK_SIGNING_SECRET } from '../../bot/local-mode.js';
import type { SlackApi, SlackMessage } from '../../sandbox/slack/api.js';
import { LOCAL_SLACK_BOT } from '../../sandbox/slack/options.js';
import { createSlackSender, type SlackSender } from '../../sandbox/slack/signed-requests.js';
import { startTeamsConnector, type TeamsConnector } from '../../sandbox/teams/connector.js';
import { FIRST_ADMIN, LOCAL_TENANT_ID } from '../../sandbox/teams/playground-users.js';
import { createSigningKeys } from '../../sandbox/token/keys.js';
import { cardOf } from '../teams/harness.js';
import {
  deliveriesShowing,
  everyDocument,
  JWT,
  secretsIn,
  slackDeliveries,
  teamsDeliveries,
  type Delivery,
} from './exposure.js';
import { passwordOf, startWith, stopAll, stopApp, type Started } from './whole-app.js';

const NORA = 'U0ADMNORA';
const SAMIR = 'U0APRSAMIR';
const IT_OPS = 'C0ITOPS001';
const APPROVALS = 'C0APPROVAL';
const GRACE = 'grace.okafor@contoso.com';
const TOMAS = 'tomas.ruiz@contoso.com';
const JONAS = 'jonas.weber@contoso.com';

/** What the scans look at, gathered once a run is over. */
interface Produced {
  logs: string[];
  /** What libraries printed on the console (botbuilder reports refused requests there, outside the logger). */
  console: string[];
  documents: { collection: string; json: string }[];
  deliveries: Delivery[];
  passwords: Record<string, string>;
}

/** Names of the secrets a text shows, and "a JWT" when it holds a bearer token. */
function found(text: string, secrets: Record<string, string>): string[] {
  return [...secretsIn(text, secrets), ...(JWT.test(text) ? ['a JWT'] : [])];
}

/** What every run must show: no secret anywhere, each password once, privately to the requester. */
function expectNothingLeaked(produced: Produced, secrets: Record<string, string>, requester: string): void {
  const everything = { ...secrets, ...produced.passwords };
  const leaks = [
    ...produced.logs.flatMap((line, index) =>
      found(line, everything).map((name) => `log line ${index}: ${name}`),
    ),
    ...produced.console.flatMap((line, index) =>
      found(line, everything).map((name) => `console ${index}: ${name}`),
    ),
    ...produced.documents.flatMap((document) =>
      found(document.json, everything).map((name) => `${document.collection}: ${name}`),
    ),
    ...produced.deliveries.flatMap((delivery) =>
      found(delivery.text, secrets).map((name) => `${delivery.where}: ${name}`),
    ),
  ];
  expect(leaks).toEqual([]);
  for (const [name, password] of Object.entries(produced.passwords)) {
    const shown = deliveriesShowing(produced.deliveries, password);
    expect({ name, shown }).toEqual({ name, shown: [expect.stringMatching(`\\(private:${requester}\\)$`)] });
  }
  // The scans saw real traffic: the start, requests, the audit log.
  const messages = produced.logs.map((line) => (JSON.parse(line) as { msg?: string }).msg);
  expect(messages).toEqual(expect.arrayContaining(['connected to Microsoft 365', 'request']));
  expect(produced.documents.filter((document) => document.collection === 'audit').length).toBeGreaterThan(5);
}

describe('configured Graph, Slack and Teams, the work done in Slack', () => {
  const SECRETS = {
    GRAPH_CLIENT_SECRET: 'graph-client-secret-4Hq~Zr8uN2',
    MICROSOFT_APP_PASSWORD: 'teams-app-password-Vy3~Lc7pD1',
    SLACK_SIGNING_SECRET: '9b7e2d4c1a0f3e5d7c9b1a2f4e6d8c0b',
    SLACK_BOT_TOKEN: 'xoxb-5550-6660-knownSlackBotTokenSecret',
  };
  let started: Started & { slackApi?: SlackApi };
  let slackApi: SlackApi;
  let slack: SlackSender;
  const produced: Produced = { logs: [], console: [], documents: [], deliveries: [], passwords: {} };
  let bearer = '';

  async function command(userId: string, text: string, channelId = IT_OPS) {
    const before = slackApi.messages(channelId).length;
    expect((await slack.slashCommand({ text, userId, channelId })).status).toBe(200);
    await started.app.idle();
    const posted = slackApi.messages(channelId).slice(before)[0];
    return posted === undefined ? undefined : slackApi.messages(channelId).find((m) => m.ts === posted.ts);
  }

  async function approve(userId: string, message: SlackMessage | undefined) {
    const value = /"action_id":"approve","value":"((?:[^"\\]|\\.)*)"/.exec(
      JSON.stringify(message?.blocks),
    )?.[1];
    if (message === undefined || value === undefined) throw new Error('no Approve button on that message');
    const response = await slack.blockAction({
      userId,
      channelId: message.channel,
      messageTs: message.ts,
      actionId: 'approve',
      value: JSON.parse(`"${value}"`) as string,
    });
    expect(response.status).toBe(200);
    await started.app.idle();
  }

  beforeAll(async () => {
    started = await startWith(
      import.meta.url,
      SECRETS.GRAPH_CLIENT_SECRET,
      {
        MICROSOFT_APP_ID: '5b2e0c1d-7a34-4e8f-9b21-6c0d4e3f2a19',
        MICROSOFT_APP_PASSWORD: SECRETS.MICROSOFT_APP_PASSWORD,
        MICROSOFT_APP_TENANT_ID: LOCAL_TENANT_ID,
        SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET,
        SLACK_BOT_TOKEN: SECRETS.SLACK_BOT_TOKEN,
        SLACK_BOT_ID: LOCAL_SLACK_BOT.botId,
        SLACK_BOT_USER_ID: LOCAL_SLACK_BOT.userId,
        CHAT_FIRST_ADMINS: `slack:T0LOCAL001:${NORA}`,
        APPROVAL_SECOND_ADMIN: 'unbind',
        APPROVALS_CHANNEL: `slack:${APPROVALS}`,
      },
      'configured',
      [GRACE, TOMAS],
      { slackToken: SECRETS.SLACK_BOT_TOKEN },
    );
    if (started.slackApi === undefined) throw new Error('the Slack stand-in did not start');
    slackApi = started.slackApi;
    slack = createSlackSender({
      url: `${started.app.url}/slack/events`,
      signingSecret: SECRETS.SLACK_SIGNING_SECRET,
      api: slackApi,
    });
    const keys = await createSigningKeys();
    bearer = await new SignJWT({ appid: '5b2e0c1d-7a34-4e8f-9b21-6c0d4e3f2a19' })
      .setProtectedHeader({ alg: 'RS256', kid: keys.kid })
      .setIssuer('https://attacker.example/')
      .setAudience('5b2e0c1d-7a34-4e8f-9b21-6c0d4e3f2a19')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(keys.privateKey);
  }, 120_000);
  afterAll(async () => {
    await stopAll(started, slackApi);
  });

  it('does a day of work in Slack, and refuses forged Slack and unauthenticated Teams requests', async () => {
    expect(await command(NORA, 'help')).toBeDefined();
    await approve(NORA, await command(NORA, `admins grant <@${SAMIR}> approver`));
    await approve(NORA, await command(NORA, `bind ${GRACE}, ${TOMAS}`));
    produced.passwords['bind password of Grace'] = passwordOf(started.sandbox, GRACE);
    produced.passwords['bind password of Tomás'] = passwordOf(started.sandbox, TOMAS);
    await approve(NORA, await command(NORA, `password-reset ${GRACE}`));
    produced.passwords['reset password of Grace'] = passwordOf(started.sandbox, GRACE);
    expect(produced.passwords['reset password of Grace']).not.toBe(
      produced.passwords['bind password of Grace'],
    );

    const beforeApprovals = slackApi.messages(APPROVALS).length;
    await command(NORA, `unbind ${TOMAS}`);
    await approve(SAMIR, slackApi.messages(APPROVALS).slice(beforeApprovals)[0]);
    expect(
      started.sandbox.inspection.users().find((u) => u.userPrincipalName === TOMAS)?.accountEnabled,
    ).toBe(false);
    await command(NORA, 'audit --csv');
    await command(NORA, `status ${GRACE}`);
    expect(slackApi.files().some((file) => file.filename.endsWith('.csv'))).toBe(true);

    for (const signing of ['forged', 'stale'] as const) {
      expect(
        (await slack.slashCommand({ text: 'help', userId: NORA, channelId: IT_OPS }, signing)).status,
      ).toBe(401);
    }
    const teams = await fetch(`${started.app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({
        type: 'message',
        text: 'help',
        channelId: 'msteams',
        serviceUrl: 'http://127.0.0.1:9/',
      }),
    });
    expect(teams.status).toBe(401);
    await fetch(`${started.app.url}/readyz`, { headers: { authorization: `Bearer ${bearer}` } });

    produced.deliveries = slackDeliveries(slackApi);
    produced.documents = await everyDocument(started.app.database.db);
    await stopApp(started);
    produced.logs = [...started.log.lines];
    produced.console = [...started.console];
  }, 120_000);

  it('shows no configured secret or bearer token in any log line, message, file or stored document', () => {
    expectNothingLeaked(produced, { ...SECRETS, bearer }, NORA);
  });
});

describe('Teams through the Bot Connector stand-in (Teams and Slack local, Graph configured)', () => {
  const SECRETS = {
    GRAPH_CLIENT_SECRET: 'graph-client-secret-8Wd~Kt5mR7',
    LOCAL_SLACK_SIGNING_SECRET,
    LOCAL_SLACK_BOT_TOKEN: LOCAL_SLACK_BOT.token,
  };
  let started: Started;
  let connector: TeamsConnector;
  const produced: Produced = { logs: [], console: [], documents: [], deliveries: [], passwords: {} };

  async function deliver(activity: Record<string, unknown>) {
    const response = await fetch(`${started.app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    expect(response.status).toBe(200);
    await response.text();
    await started.app.idle();
  }

  /** Asks in the team's channel, then clicks Approve on the plan the bot posted. */
  async function askAndApprove(text: string) {
    const inbound = connector.inbound.channelMessage(FIRST_ADMIN, text);
    await deliver(inbound);
    const teamId = connector.options.team.id;
    const reply = connector.sent(`${teamId};messageid=${inbound.id}`).at(-1);
    if (reply === undefined) throw new Error(`no reply to "${text}"`);
    const card = JSON.stringify(cardOf(connector.currentVersion(teamId, reply.id)));
    const data = /"verb":"approve","data":(\{[^}]*\})/.exec(card)?.[1];
    if (data === undefined) throw new Error(`no Approve button on the plan for "${text}"`);
    await deliver(
      connector.inbound.cardAction(FIRST_ADMIN, {
        conversationId: teamId,
        replyToId: reply.id,
        verb: 'approve',
        data: JSON.parse(data) as Record<string, unknown>,
      }),
    );
  }

  beforeAll(async () => {
    started = await startWith(import.meta.url, SECRETS.GRAPH_CLIENT_SECRET, {}, 'teams', [JONAS]);
    connector = await startTeamsConnector();
  }, 120_000);
  afterAll(async () => {
    await stopAll(started, connector);
  });

  it('binds and resets a password asked in a team channel, and answers Slack signed with the local secret', async () => {
    expect(started.app.modes).toEqual({ graph: 'sandbox-connection', teams: 'local', slack: 'local' });
    await askAndApprove(`bind ${JONAS} --no-welcome`);
    produced.passwords['bind password of Jonas'] = passwordOf(started.sandbox, JONAS);
    await askAndApprove(`password-reset ${JONAS}`);
    produced.passwords['reset password of Jonas'] = passwordOf(started.sandbox, JONAS);
    const localSlack = started.app.local.slackApi;
    if (localSlack === undefined) throw new Error('local Slack did not start');
    const sender = createSlackSender({
      url: `${started.app.url}/slack/events`,
      signingSecret: LOCAL_SLACK_SIGNING_SECRET,
      api: localSlack,
    });
    expect(
      (await sender.slashCommand({ text: `status ${JONAS}`, userId: NORA, channelId: IT_OPS })).status,
    ).toBe(200);
    await started.app.idle();

    const personal = new Map([[connector.personalConversation(FIRST_ADMIN).id, FIRST_ADMIN.name]]);
    produced.deliveries = [...teamsDeliveries(connector, personal), ...slackDeliveries(localSlack)];
    produced.documents = await everyDocument(started.app.database.db);
    await stopApp(started);
    produced.logs = [...started.log.lines];
    produced.console = [...started.console];
  }, 120_000);

  it('shows no secret in any log line, activity or stored document; each password once, in the 1:1 chat', () => {
    expectNothingLeaked(produced, SECRETS, FIRST_ADMIN.name);
  });
});
