import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { webApi } from '@slack/bolt';
import { startSlackApi, type SlackApi } from '../../sandbox/slack/api.js';

const { WebClient, ErrorCode, LogLevel } = webApi;

function manualClock() {
  let now = Date.parse('2026-03-02T09:00:00Z');
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** What a rejected WebClient call carries: Slack's error code, or the rate limit's Retry-After. */
async function failureOf(
  call: Promise<unknown>,
): Promise<{ code?: string; error?: string; retryAfter?: number }> {
  try {
    await call;
  } catch (thrown) {
    const error = thrown as { code?: string; data?: { error?: string }; retryAfter?: number };
    return { code: error.code, error: error.data?.error, retryAfter: error.retryAfter };
  }
  throw new Error('the call succeeded');
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('loopback Slack Web API through @slack/web-api WebClient', () => {
  let api: SlackApi;
  let client: InstanceType<typeof WebClient>;
  const clock = manualClock();
  const itOps = 'C0ITOPS001';

  beforeAll(async () => {
    api = await startSlackApi({}, clock);
    client = new WebClient(api.options.bot.token, {
      slackApiUrl: api.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      // The no_text case is deliberate; keep WebClient's best-practice warning out of the test output.
      logLevel: LogLevel.ERROR,
    });
  });
  afterAll(() => api.close());

  it('posts a message with blocks and records it for the channel', async () => {
    const result = await client.chat.postMessage({
      channel: itOps,
      text: 'Plan',
      blocks: [section('*bind* 2 users')],
    });
    expect(result.ok).toBe(true);
    expect(api.messages(itOps)).toEqual([
      expect.objectContaining({ ts: result.ts, text: 'Plan', blocks: [section('*bind* 2 users')] }),
    ]);
  });

  it('checks the bot token on every call: invalid_auth for a wrong one, not_authed for none', async () => {
    const stranger = new WebClient('xoxb-0000-wrong', {
      slackApiUrl: api.apiUrl,
      retryConfig: { retries: 0 },
      logLevel: LogLevel.ERROR,
    });
    expect(await failureOf(stranger.auth.test())).toMatchObject({
      code: ErrorCode.PlatformError,
      error: 'invalid_auth',
    });
    const anonymous = await fetch(`${api.apiUrl}auth.test`, { method: 'POST' });
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  it('refuses what Slack refuses: no text, 51 blocks, a 3001-character section, ~13k of block text, an unknown channel', async () => {
    clock.advance(60_000);
    const post = (args: Record<string, unknown>) =>
      failureOf(client.apiCall('chat.postMessage', { channel: itOps, ...args }));
    expect(await post({})).toMatchObject({ error: 'no_text' });
    expect(
      await post({ text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }),
    ).toMatchObject({
      error: 'invalid_blocks',
    });
    expect(await post({ text: 'x', blocks: [section('a'.repeat(3001))] })).toMatchObject({
      error: 'invalid_blocks',
    });
    const fiveLong = Array.from({ length: 5 }, () => section('b'.repeat(2900)));
    expect(await post({ text: 'x', blocks: fiveLong })).toMatchObject({ error: 'msg_blocks_too_long' });
    expect(await post({ channel: 'C0NOWHERE1', text: 'x' })).toMatchObject({ error: 'channel_not_found' });
    expect(await post({ channel: 'C0RANDOM01', text: 'x' })).toMatchObject({ error: 'not_in_channel' });
  });

  it('updates a message in place; an unknown ts or an ephemeral one is message_not_found', async () => {
    clock.advance(60_000);
    const posted = await client.chat.postMessage({ channel: itOps, text: 'Running 0 of 3' });
    await client.chat.update({
      channel: itOps,
      ts: posted.ts ?? '',
      text: 'Done 3 of 3',
      blocks: [section('done')],
    });
    expect(api.messages(itOps).find((message) => message.ts === posted.ts)).toMatchObject({
      text: 'Done 3 of 3',
    });
    expect(await failureOf(client.chat.update({ channel: itOps, ts: '1.000001', text: 'x' }))).toMatchObject({
      error: 'message_not_found',
    });
    const ephemeral = await client.chat.postEphemeral({
      channel: itOps,
      user: 'U0ADMNORA',
      text: 'only you',
    });
    expect(
      await failureOf(client.chat.update({ channel: itOps, ts: ephemeral.message_ts ?? '', text: 'x' })),
    ).toMatchObject({
      error: 'message_not_found',
    });
  });

  it('refuses an ephemeral message to a user who is not in the channel', async () => {
    expect(
      await failureOf(
        client.chat.postEphemeral({ channel: 'C0APPROVAL', user: 'U0GRACEOK', text: 'secret' }),
      ),
    ).toMatchObject({ error: 'user_not_in_channel' });
    expect(api.ephemerals('U0GRACEOK')).toEqual([]);
  });

  it('rate-limits chat.update at Tier 3 (50 per minute) with 429 and Retry-After', async () => {
    clock.advance(120_000);
    const posted = await client.chat.postMessage({ channel: 'C0APPROVAL', text: 'progress' });
    for (let n = 0; n < 50; n += 1)
      await client.chat.update({ channel: 'C0APPROVAL', ts: posted.ts ?? '', text: `${n}` });
    const refused = await failureOf(
      client.chat.update({ channel: 'C0APPROVAL', ts: posted.ts ?? '', text: 'one more' }),
    );
    expect(refused).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 60 });
    clock.advance(60_000);
    await expect(
      client.chat.update({ channel: 'C0APPROVAL', ts: posted.ts ?? '', text: 'later' }),
    ).resolves.toMatchObject({ ok: true });
  });

  it('lets a channel take a short burst of chat.postMessage, then answers 429', async () => {
    clock.advance(120_000);
    const statuses: string[] = [];
    for (let n = 0; n < 4; n += 1)
      statuses.push(
        await client.chat.postMessage({ channel: itOps, text: `${n}` }).then(
          () => 'ok',
          (error: unknown) => (error as { code?: string }).code ?? '?',
        ),
      );
    expect(statuses).toEqual(['ok', 'ok', 'ok', ErrorCode.RateLimitedError]);
  });

  it('opens a DM, answers users.info, and takes a CSV through files.uploadV2', async () => {
    clock.advance(120_000);
    const opened = await client.conversations.open({ users: 'U0APRSAMIR' });
    const dm = opened.channel?.id ?? '';
    expect(dm).toMatch(/^D/);
    const info = await client.users.info({ user: 'U0APRSAMIR' });
    expect(info.user?.profile?.email).toBe('samir.haddad@contoso.com');
    await client.files.uploadV2({
      channel_id: dm,
      filename: 'audit.csv',
      title: 'Audit',
      content: 'who,what\nnora,bind\n',
    });
    expect(api.files()).toEqual([
      expect.objectContaining({ filename: 'audit.csv', title: 'Audit', completed: true, channels: [dm] }),
    ]);
    expect(api.files()[0]?.content?.toString('utf8')).toBe('who,what\nnora,bind\n');
  });
  it('lets a response_url replace or delete an ephemeral the user saw, as Slack does, and no one else’s', async () => {
    const shown = await client.chat.postEphemeral({ channel: itOps, user: 'U0ADMNORA', text: 'Your view' });
    const ts = shown.message_ts ?? '';
    const respond = (user: string, body: unknown) =>
      fetch(api.responseUrlFor(itOps, user, { messageTs: ts }), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const replaced = await respond('U0ADMNORA', { text: 'Approved', replace_original: true });
    expect({ status: replaced.status, body: await replaced.json() }).toEqual({
      status: 200,
      body: { ok: true },
    });
    const mine = api.ephemerals('U0ADMNORA').filter((ephemeral) => ephemeral.ts === ts);
    expect(mine).toEqual([expect.objectContaining({ text: 'Approved', editedTs: expect.any(String) })]);
    expect(api.updates(itOps).at(-1)).toMatchObject({
      ts,
      text: 'Approved',
      via: 'response_url',
      user: 'U0ADMNORA',
    });
    expect(api.messages(itOps).some((message) => message.ts === ts)).toBe(false);

    const stranger = await respond('U0APRSAMIR', { text: 'Hijacked', replace_original: true });
    expect(await stranger.json()).toEqual({ ok: false, error: 'message_not_found' });
    expect((await respond('U0ADMNORA', { delete_original: true })).status).toBe(200);
    expect(api.ephemerals('U0ADMNORA').find((ephemeral) => ephemeral.ts === ts)?.deleted).toBe(true);
  });

  it('lets a response_url replace the original message, and refuses it after 30 minutes', async () => {
    clock.advance(120_000);
    const posted = await client.chat.postMessage({ channel: itOps, text: 'Approve?' });
    const url = api.responseUrlFor(itOps, 'U0ADMNORA', { messageTs: posted.ts ?? '' });
    const respond = (body: unknown) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await respond({ text: 'Approved by Nora', replace_original: true })).status).toBe(200);
    expect(api.messages(itOps).find((message) => message.ts === posted.ts)?.text).toBe('Approved by Nora');
    clock.advance(30 * 60_000 + 1);
    const late = await respond({ text: 'too late' });
    expect(late.status).toBe(404);
    expect(await late.json()).toEqual({ ok: false, error: 'expired_url' });
  });
});
