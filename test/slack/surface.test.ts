import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { createSlackAdapter } from '../../bot/slack/app.js';
import { Secret } from '../../bot/secret.js';
import type { ConversationRef, MessageRef } from '../../commands/chat/types.js';
import {
  ChatDeliveryError,
  ChatPlatformAuthError,
  ChatPlatformUnavailableError,
} from '../../commands/errors.js';
import { startSlackApi, type SlackApi } from '../../sandbox/slack/api.js';
import { card, IT_OPS, NORA, RecordingChatOps, SIGNING_SECRET, TEAM } from './harness.js';

/** The ChatSurface the chat core uses outside requests, and how Slack's refusals come out of it. */

const itOps: ConversationRef = { platform: 'slack', id: IT_OPS, kind: 'channel' };
const logger = pino({ level: 'silent' });

async function failureOf(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('it succeeded');
}

describe('Slack surface', () => {
  let api: SlackApi;

  beforeAll(async () => {
    api = await startSlackApi();
  });
  afterAll(() => api.close());

  const adapterWith = (options: { token?: string; retries?: number; ids?: boolean; apiUrl?: string } = {}) =>
    createSlackAdapter(
      {
        signingSecret: new Secret(SIGNING_SECRET),
        botToken: new Secret(options.token ?? api.options.bot.token),
        apiUrl: options.apiUrl ?? api.apiUrl,
        ...(options.ids === false ? {} : { botId: api.options.bot.botId, botUserId: api.options.bot.userId }),
        ...(options.retries === undefined ? {} : { retries: options.retries }),
      },
      { chatOps: new RecordingChatOps(), logger },
    );

  it('posts and updates a card in place (chat.postMessage, then chat.update by channel and ts)', async () => {
    const { surface } = await adapterWith();
    const posted = await surface.post(itOps, card('Import 3 users', { progress: { done: 1, total: 3 } }));
    await surface.update(posted, card('Import 3 users', { progress: { done: 3, total: 3 }, status: 'Done' }));
    const message = api.messages(IT_OPS).find((candidate) => candidate.ts === posted.messageId);
    expect(message?.text).toContain('Done');
    expect(api.updates(IT_OPS).at(-1)).toMatchObject({ ts: posted.messageId, via: 'chat.update' });
  });

  it('waits out Slack’s Retry-After on a burst and delivers every message', async () => {
    const { surface } = await adapterWith();
    const callsBefore = api.calls().length;
    const posted = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((n) => surface.post(itOps, card(`Burst message ${n}`))),
    );
    expect(new Set(posted.map((message) => message.messageId)).size).toBe(6);
    const calls = api.calls().slice(callsBefore);
    expect(calls.filter((call) => call.error === 'ratelimited').length).toBeGreaterThan(0);
    expect(calls.filter((call) => call.method === 'chat.postMessage' && call.ok).length).toBe(6);
  });

  it('says "try again shortly" with the Retry-After once its bounded retries are spent', async () => {
    const { surface } = await adapterWith({ retries: 0 });
    const results = await Promise.allSettled(
      [1, 2, 3, 4, 5].map((n) => surface.post(itOps, card(`No retry ${n}`))),
    );
    const failures = results.flatMap((result) =>
      result.status === 'rejected' ? [result.reason as unknown] : [],
    );
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(ChatPlatformUnavailableError);
      expect((failure as ChatPlatformUnavailableError).retryAfterMs).toBeGreaterThan(0);
    }
  });

  it('turns Slack’s refusals into clear delivery errors', async () => {
    const { surface } = await adapterWith();
    const missing: MessageRef = { conversation: itOps, messageId: '1000.000001' };
    const gone = await failureOf(surface.update(missing, card('Nope')));
    expect(gone).toBeInstanceOf(ChatDeliveryError);
    expect((gone as ChatDeliveryError).reason).toBe('message_not_found');
    expect((gone as Error).message).toContain('the message no longer exists');
    const outside = await failureOf(surface.post({ ...itOps, id: 'C0RANDOM01' }, card('Nope')));
    expect((outside as ChatDeliveryError).reason).toBe('not_in_channel');
  });

  it('reports a refused bot token as an authentication problem', async () => {
    const { surface } = await adapterWith({ token: 'xoxb-wrong-token' });
    const refused = await failureOf(surface.post(itOps, card('Nope')));
    expect(refused).toBeInstanceOf(ChatPlatformAuthError);
    expect((refused as Error).message).toContain('check the bot token');
  });

  it('uploads a CSV file to the conversation (files.uploadV2)', async () => {
    const { surface } = await adapterWith();
    await surface.uploadFile(itOps, 'users.csv', 'email\nanna@contoso.com\n');
    const file = api.files().find((candidate) => candidate.filename === 'users.csv');
    expect(file).toMatchObject({ completed: true, channels: [IT_OPS] });
    expect(file?.content?.toString('utf8')).toBe('email\nanna@contoso.com\n');
  });

  it('whispers a private card to one person only (chat.postEphemeral)', async () => {
    const { surface } = await adapterWith();
    const user = {
      platform: 'slack' as const,
      id: `${TEAM}:${NORA}`,
      displayName: 'Nora',
      platformUserId: NORA,
    };
    const before = api.messages(IT_OPS).length;
    await surface.postPrivate(user, itOps, card('Temporary password'));
    expect(api.ephemerals(NORA).at(-1)).toMatchObject({ channel: IT_OPS, via: 'chat.postEphemeral' });
    expect(api.messages(IT_OPS).length).toBe(before);
  });
});

describe('Slack start-up', () => {
  let api: SlackApi;

  beforeAll(async () => {
    api = await startSlackApi();
  });
  afterAll(() => api.close());

  const start = (token: string, apiUrl = api.apiUrl) =>
    createSlackAdapter(
      { signingSecret: new Secret(SIGNING_SECRET), botToken: new Secret(token), apiUrl },
      { chatOps: new RecordingChatOps(), logger },
    );

  it('learns the bot’s ids from one auth.test when the configuration does not give them', async () => {
    const before = api.calls().filter((call) => call.method === 'auth.test').length;
    const adapter = await start(api.options.bot.token);
    expect({ botId: adapter.botId, botUserId: adapter.botUserId }).toEqual({
      botId: api.options.bot.botId,
      botUserId: api.options.bot.userId,
    });
    expect(api.calls().filter((call) => call.method === 'auth.test').length).toBe(before + 1);
  });

  it('stops start-up with a clear error when auth.test refuses the token', async () => {
    const refused = await failureOf(start('xoxb-not-the-token'));
    expect(refused).toBeInstanceOf(ChatPlatformAuthError);
    expect((refused as Error).message).toMatch(/invalid_auth.*check the bot token/);
  });

  it('stops start-up with a clear error when the Slack API cannot be reached', async () => {
    const unreachable = await failureOf(start(api.options.bot.token, 'http://127.0.0.1:9/api/'));
    expect(unreachable).toBeInstanceOf(ChatPlatformUnavailableError);
    expect((unreachable as Error).message).toContain('connection failed');
  });

  it('refuses options without a signing secret or with a user token', async () => {
    const noSecret = createSlackAdapter(
      { signingSecret: new Secret(''), botToken: new Secret(api.options.bot.token), apiUrl: api.apiUrl },
      { chatOps: new RecordingChatOps(), logger },
    );
    await expect(noSecret).rejects.toThrow(/must not be empty/);
    const none = createSlackAdapter(
      { botToken: new Secret(api.options.bot.token), apiUrl: api.apiUrl },
      { chatOps: new RecordingChatOps(), logger },
    );
    await expect(none).rejects.toThrow(/needs the signing secret/);
    await expect(start('xoxp-user-token')).rejects.toThrow(/must start with xoxb-/);
  });
});
