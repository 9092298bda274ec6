import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSlackApi, type SlackApi } from '../../sandbox/slack/api.js';
import { createSlackSender, type SlackSender } from '../../sandbox/slack/signed-requests.js';

const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const IT_OPS = 'C0ITOPS001';
const APPROVALS = 'C0APPROVAL';
const NORA = 'U0ADMNORA';
const GRACE = 'U0GRACEOK';

/** What the Bolt listeners saw or failed at, for the assertions. */
const seen = { commands: [] as string[], errors: [] as string[], respondOutcomes: [] as string[] };

function describeError(error: unknown): string {
  const detail = error as { data?: { error?: string }; message?: string; code?: string };
  return detail.data?.error ?? detail.code ?? detail.message ?? String(error);
}

describe('Bolt (HTTPReceiver) against the loopback Slack Web API', () => {
  let api: SlackApi;
  let app: App;
  let server: Server;
  let slack: SlackSender;

  beforeAll(async () => {
    api = await startSlackApi();
    const receiver = new HTTPReceiver({
      signingSecret: SIGNING_SECRET,
      endpoints: '/slack/events',
      processBeforeResponse: true,
      // The refused requests are deliberate; keep Bolt's warnings about them out of the test output.
      logLevel: LogLevel.ERROR,
    });
    app = new App({
      token: api.options.bot.token,
      botId: api.options.bot.botId,
      botUserId: api.options.bot.userId,
      receiver,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: api.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command('/m365', async ({ ack, command, say, client }) => {
      await ack();
      seen.commands.push(command.text);
      if (command.text === 'secret for grace') {
        try {
          await client.chat.postEphemeral({ channel: APPROVALS, user: GRACE, text: 'new password: …' });
        } catch (error) {
          seen.errors.push(describeError(error));
        }
      } else await say(`You asked: ${command.text}`);
    });
    app.action('approve', async ({ ack, respond }) => {
      await ack();
      for (let use = 1; use <= 6; use += 1) {
        try {
          await respond({ text: `update ${use}`, replace_original: false });
          seen.respondOutcomes.push('ok');
        } catch (error) {
          seen.respondOutcomes.push(describeError(error));
        }
      }
    });
    app.event('app_mention', async ({ event, say }) => {
      await say(`mentioned by <@${event.user ?? ''}>`);
    });
    server = await receiver.start({ port: 0, host: '127.0.0.1' });
    const { port } = server.address() as AddressInfo;
    slack = createSlackSender({
      url: `http://127.0.0.1:${port}/slack/events`,
      signingSecret: SIGNING_SECRET,
      api,
    });
  });
  afterAll(async () => {
    await app.stop();
    await api.close();
  });

  it('answers a signed slash command, and the reply lands in the channel through chat.postMessage', async () => {
    const response = await slack.slashCommand({
      text: 'status nora@contoso.com',
      userId: NORA,
      channelId: IT_OPS,
    });
    expect(response.status).toBe(200);
    expect(api.messages(IT_OPS).map((message) => message.text)).toContain(
      'You asked: status nora@contoso.com',
    );
  });

  it('lets Bolt refuse a forged signature and a stale timestamp with 401, running no listener', async () => {
    const before = seen.commands.length;
    expect(
      (await slack.slashCommand({ text: 'forged', userId: NORA, channelId: IT_OPS }, 'forged')).status,
    ).toBe(401);
    expect(
      (await slack.slashCommand({ text: 'stale', userId: NORA, channelId: IT_OPS }, 'stale')).status,
    ).toBe(401);
    expect(seen.commands.length).toBe(before);
  });

  it('refuses an ephemeral message to someone outside the channel (user_not_in_channel)', async () => {
    await slack.slashCommand({ text: 'secret for grace', userId: NORA, channelId: IT_OPS });
    expect(seen.errors).toContain('user_not_in_channel');
    expect(api.ephemerals(GRACE)).toEqual([]);
  });

  it('takes five response_url posts and refuses the sixth', async () => {
    const card = await app.client.chat.postMessage({ channel: APPROVALS, text: 'Approve bind?' });
    const response = await slack.blockAction({
      userId: NORA,
      channelId: APPROVALS,
      messageTs: card.ts ?? '',
      actionId: 'approve',
      value: 'req-1',
    });
    expect(response.status).toBe(200);
    expect(seen.respondOutcomes.slice(0, 5)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(seen.respondOutcomes[5]).not.toBe('ok');
    expect(api.responseUrlPosts().map((post) => post.status)).toEqual([200, 200, 200, 200, 200, 404]);
    expect(api.ephemerals(NORA).map((ephemeral) => ephemeral.text)).toEqual(
      [1, 2, 3, 4, 5].map((n) => `update ${n}`),
    );
  });

  it('delivers a signed app_mention event, and the answer reaches the channel', async () => {
    expect((await slack.appMention({ userId: NORA, channelId: IT_OPS, text: 'help' })).status).toBe(200);
    await api.waitFor(() =>
      api.messages(IT_OPS).some((message) => message.text === `mentioned by <@${NORA}>`),
    );
  });
});
