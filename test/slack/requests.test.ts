import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { signature } from '../../sandbox/slack/signed-requests.js';
import {
  blockText,
  eventually,
  Gate,
  IT_OPS,
  NORA,
  RecordingChatOps,
  reply,
  SAMIR,
  SIGNING_SECRET,
  startSlackHarness,
  TEAM,
  type SlackHarness,
} from './harness.js';

/** Slash command, app mention and direct message through the real Bolt, into the chat core's seam. */
describe('Slack adapter: commands', () => {
  const ops = new RecordingChatOps();
  let harness: SlackHarness;

  beforeAll(async () => {
    harness = await startSlackHarness(ops);
  });
  afterEach(async () => {
    await harness.adapter.idle();
    ops.onCommand = (request) => [reply(`You asked: ${request.text}`)];
  });
  afterAll(() => harness.close());

  it('acknowledges a slash command before the chat core has answered, then posts the reply card in the channel', async () => {
    const gate = new Gate();
    ops.onCommand = async (request) => {
      await gate.opened;
      return [reply(`Plan for ${request.text}`, 'conversation', { tracking: { requestId: 'req-1' } })];
    };
    const { api, slack } = harness;

    const response = await slack.slashCommand({
      text: 'bind anna@contoso.com',
      userId: NORA,
      channelId: IT_OPS,
    });

    // The HTTP answer (Slack's 3 s ack) arrived while the chat core is still working.
    expect(response).toEqual({ status: 200, body: '' });
    await eventually(() => ops.running === 1, 'the chat core to be working on the command');
    expect(api.messages(IT_OPS).some((message) => message.text.includes('Plan for'))).toBe(false);

    gate.release();
    await eventually(() => ops.bound.length === 1, 'the tracked reply to be bound');
    const posted = api.messages(IT_OPS).find((message) => message.text.includes('Plan for bind'));
    expect(posted).toBeDefined();
    expect(blockText(posted?.blocks)).toContain('"type":"header"');
    expect(ops.bound[0]).toEqual({
      requestId: 'req-1',
      message: { conversation: { platform: 'slack', id: IT_OPS, kind: 'channel' }, messageId: posted?.ts },
    });
  });

  it('gives the chat core the slash command as Slack user, workspace-scoped id and channel', async () => {
    await harness.slack.slashCommand({ text: '  status nora@contoso.com ', userId: NORA, channelId: IT_OPS });
    await harness.adapter.idle();
    expect(ops.commands.at(-1)).toEqual({
      user: { platform: 'slack', id: `${TEAM}:${NORA}`, displayName: 'Nora Lindqvist', platformUserId: NORA },
      conversation: { platform: 'slack', id: IT_OPS, kind: 'channel' },
      text: 'status nora@contoso.com',
    });
  });

  it('answers an app mention with the mention removed, in the channel it came from', async () => {
    const { api, slack, adapter } = harness;
    const response = await slack.appMention({ userId: SAMIR, channelId: IT_OPS, text: 'approvals' });
    expect(response.status).toBe(200);
    await adapter.idle();
    expect(ops.commands.at(-1)?.text).toBe('approvals');
    expect(ops.commands.at(-1)?.user.id).toBe(`${TEAM}:${SAMIR}`);
    expect(api.messages(IT_OPS).map((message) => message.text)).toContain('You asked: approvals');
  });

  it('hands the chat core the other people a message mentions, never the bot itself', async () => {
    const { slack, adapter } = harness;
    await slack.appMention({ userId: NORA, channelId: IT_OPS, text: `admins grant <@${SAMIR}> approver` });
    await adapter.idle();
    const request = ops.commands.at(-1);
    expect(request?.text).toBe(`admins grant <@${SAMIR}> approver`);
    expect(request?.mentions).toEqual([
      { platform: 'slack', id: `${TEAM}:${SAMIR}`, displayName: 'Samir Haddad', platformUserId: SAMIR },
    ]);
  });

  it('answers a direct message in the direct message, as a personal conversation', async () => {
    const { api, slack, adapter } = harness;
    await slack.directMessage({ userId: NORA, text: 'help bind' });
    await adapter.idle();
    const request = ops.commands.at(-1);
    expect(request?.text).toBe('help bind');
    expect(request?.conversation.kind).toBe('personal');
    const dm = request?.conversation.id ?? '';
    expect(dm.startsWith('D')).toBe(true);
    expect(api.messages(dm).map((message) => message.text)).toContain('You asked: help bind');
  });

  it('ignores direct messages that are edits or come from a bot', async () => {
    const { api, slack, adapter } = harness;
    const before = ops.commands.length;
    const dm = api.openDirectMessage(NORA);
    for (const extra of [{ subtype: 'message_changed' }, { bot_id: 'B0OTHER01' }]) {
      const body = JSON.stringify({
        type: 'event_callback',
        team_id: TEAM,
        api_app_id: api.options.bot.appId,
        event_id: `Ev${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
        event_time: Math.floor(Date.now() / 1000),
        event: {
          type: 'message',
          channel_type: 'im',
          channel: dm,
          user: NORA,
          text: 'block x@y.z',
          ts: '1.000001',
          ...extra,
        },
      });
      expect((await slack.send(body, 'application/json')).status).toBe(200);
    }
    await adapter.idle();
    expect(ops.commands.length).toBe(before);
  });

  it('runs a redelivered event (same event_id, X-Slack-Retry-Num) once', async () => {
    const { api, adapter, http } = harness;
    const before = ops.commands.length;
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: TEAM,
      api_app_id: api.options.bot.appId,
      event_id: 'Ev0REDELIVER1',
      event_time: Math.floor(Date.now() / 1000),
      event: {
        type: 'app_mention',
        user: NORA,
        channel: IT_OPS,
        text: `<@${api.options.bot.userId}> expiring 7`,
        ts: '2.000001',
      },
    });
    for (const retry of [undefined, '1', '2']) {
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await fetch(`${http.url}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': signature(SIGNING_SECRET, timestamp, body),
          ...(retry === undefined
            ? {}
            : { 'x-slack-retry-num': retry, 'x-slack-retry-reason': 'http_timeout' }),
        },
        body,
      });
      expect(response.status).toBe(200);
    }
    await adapter.idle();
    expect(ops.commands.slice(before).map((request) => request.text)).toEqual(['expiring 7']);
  });

  it('refuses a forged signature and a stale timestamp with 401, and nothing reaches the chat core', async () => {
    const { slack } = harness;
    const before = { commands: ops.commands.length, actions: ops.actions.length };
    const forged = await slack.slashCommand(
      { text: 'disconnect', userId: NORA, channelId: IT_OPS },
      'forged',
    );
    const stale = await slack.slashCommand({ text: 'disconnect', userId: NORA, channelId: IT_OPS }, 'stale');
    const forgedMention = await slack.appMention(
      { userId: NORA, channelId: IT_OPS, text: 'disconnect' },
      'forged',
    );
    expect([forged.status, stale.status, forgedMention.status]).toEqual([401, 401, 401]);
    await harness.adapter.idle();
    expect({ commands: ops.commands.length, actions: ops.actions.length }).toEqual(before);
  });

  it('tells only the person, through the response_url, when the channel refuses the card', async () => {
    const { api, slack, adapter } = harness;
    // The bot is not a member of #random, so chat.postMessage answers not_in_channel.
    await slack.slashCommand({ text: 'status nora@contoso.com', userId: NORA, channelId: 'C0RANDOM01' });
    await adapter.idle();
    expect(api.messages('C0RANDOM01')).toEqual([]);
    const notice = api.responseUrlPosts().at(-1);
    expect(notice?.status).toBe(200);
    expect(JSON.stringify(notice?.body)).toContain('not a member of that channel');
    expect(api.ephemerals(NORA).at(-1)?.via).toBe('response_url');
  });

  it('tells the person when the chat core fails, without posting in the channel', async () => {
    const { api, slack, adapter } = harness;
    ops.onCommand = () => Promise.reject(new Error('database exploded'));
    const channelBefore = api.messages(IT_OPS).length;
    await slack.slashCommand({ text: 'status x@contoso.com', userId: NORA, channelId: IT_OPS });
    await adapter.idle();
    expect(api.messages(IT_OPS).length).toBe(channelBefore);
    const notice = api.ephemerals(NORA).at(-1);
    expect(notice?.text).toContain('Not done');
    expect(blockText(notice?.blocks)).not.toContain('database exploded');
    expect(blockText(notice?.blocks)).toContain('Something went wrong while answering');
  });
});
