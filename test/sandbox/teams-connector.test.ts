import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CardFactory, TeamsInfo, type TurnContext } from 'botbuilder';
import { SignJWT } from 'jose';
import { createSigningKeys } from '../../sandbox/token/keys.js';
import { startTeamsConnector, type TeamsConnector } from '../../sandbox/teams/connector.js';
import { APPROVER, FIRST_ADMIN } from '../../sandbox/teams/playground-users.js';
import { startEchoBot, type EchoBot } from './teams-echo-bot.js';

/** A clock that moves only when the test says, so rate windows do not depend on how fast the machine is. */
function manualClock() {
  let now = Date.parse('2026-03-02T09:00:00Z');
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function adaptiveCard(version: string, padding = 0): Record<string, unknown> {
  return {
    type: 'AdaptiveCard',
    version,
    body: [{ type: 'TextBlock', text: `Plan${'x'.repeat(padding)}`, wrap: true }],
  };
}

/** The bot's behaviour per message text; every branch goes through the real ConnectorClient. */
async function botLogic(context: TurnContext): Promise<void> {
  const text = context.activity.text;
  if (text === 'progress') {
    const sent = await context.sendActivity('working…');
    await context.updateActivity({ type: 'message', id: sent?.id, text: 'done: 3 of 3' });
  } else if (text === 'big card') {
    // ~21k characters of text → ~42 KB as UTF-16: over Teams' 40 KB.
    await context.sendActivity({ attachments: [CardFactory.adaptiveCard(adaptiveCard('1.5', 21_000))] });
  } else if (text === 'card 1.6') {
    await context.sendActivity({ attachments: [CardFactory.adaptiveCard(adaptiveCard('1.6'))] });
  } else if (text === 'update a stranger') {
    await context.updateActivity({ type: 'message', id: '999', text: 'nope' });
  } else if (text === 'who am i') {
    const member = await TeamsInfo.getMember(context, context.activity.from.id);
    await context.sendActivity(`you are ${member.email ?? '?'}`);
  } else if (text === 'burst') {
    for (let n = 1; n <= 9; n += 1) await context.sendActivity(`line ${n}`);
  } else await context.sendActivity(`echo: ${text}`);
}

describe('loopback Teams connector through botbuilder CloudAdapter', () => {
  let connector: TeamsConnector;
  let bot: EchoBot;
  const clock = manualClock();

  beforeAll(async () => {
    connector = await startTeamsConnector({}, clock);
    bot = await startEchoBot(botLogic);
  });
  afterAll(async () => {
    await bot.close();
    await connector.close();
  });

  it('receives the reply to a personal message, addressed to the inbound activity', async () => {
    const inbound = connector.inbound.personalMessage(FIRST_ADMIN, 'hello');
    const delivered = await bot.deliver(inbound);
    expect(delivered.status).toBe(200);
    const [reply] = connector.sent(inbound.conversation.id);
    expect(reply?.replyToId).toBe(inbound.id);
    expect(reply?.activity).toMatchObject({ type: 'message', text: 'echo: hello' });
  });

  it('applies an update to the activity the bot sent, so the current version is the new text', async () => {
    clock.advance(60_000);
    const inbound = connector.inbound.personalMessage(APPROVER, 'progress');
    await bot.deliver(inbound);
    const [sent] = connector.sent(inbound.conversation.id);
    expect(sent?.activity.text).toBe('working…');
    const updates = connector.updates(inbound.conversation.id);
    expect(updates.map((update) => update.id)).toEqual([sent?.id]);
    expect(connector.currentVersion(inbound.conversation.id, sent?.id ?? '')).toMatchObject({
      text: 'done: 3 of 3',
    });
  });

  it('refuses a card over 40 KB with 413 MessageSizeTooBig and stores nothing', async () => {
    clock.advance(60_000);
    const inbound = connector.inbound.groupChatMessage(APPROVER, 'big card', { mentionBot: false });
    await bot.deliver(inbound);
    expect(bot.turnErrors.at(-1)).toMatchObject({ statusCode: 413 });
    expect(connector.refusals().at(-1)).toMatchObject({ status: 413, code: 'MessageSizeTooBig' });
    expect(connector.sent(inbound.conversation.id)).toEqual([]);
  });

  it('refuses an Adaptive Card above version 1.5 with 400', async () => {
    clock.advance(60_000);
    await bot.deliver(connector.inbound.personalMessage(FIRST_ADMIN, 'card 1.6'));
    expect(bot.turnErrors.at(-1)).toMatchObject({ statusCode: 400 });
    expect(connector.refusals().at(-1)).toMatchObject({ status: 400, code: 'BadArgument' });
  });

  it('answers 404 to an update of an activity it never saw', async () => {
    clock.advance(60_000);
    await bot.deliver(connector.inbound.personalMessage(FIRST_ADMIN, 'update a stranger'));
    expect(bot.turnErrors.at(-1)).toMatchObject({ statusCode: 404 });
  });

  it('serves the roster to TeamsInfo.getMember, e-mail included', async () => {
    clock.advance(60_000);
    const inbound = connector.inbound.personalMessage(APPROVER, 'who am i');
    await bot.deliver(inbound);
    expect(connector.sent(inbound.conversation.id).at(-1)?.activity.text).toBe(`you are ${APPROVER.email}`);
  });

  it('keeps a channel reply in the thread of the @mention', async () => {
    clock.advance(60_000);
    const inbound = connector.inbound.channelMessage(FIRST_ADMIN, 'status');
    expect(inbound.text).toBe(`<at>${connector.options.bot.name}</at> status`);
    await bot.deliver(inbound);
    const reply = connector.sent(connector.options.team.id).at(-1);
    expect(reply?.conversationId).toBe(`${connector.options.team.id};messageid=${inbound.id}`);
  });

  it('answers the eighth send within a second with 429 and Retry-After; the SDK waits and delivers the rest', async () => {
    clock.advance(60_000);
    const inbound = connector.inbound.personalMessage(FIRST_ADMIN, 'burst');
    const refused = connector.refusals().length;
    const delivery = bot.deliver(inbound);
    // The SDK honours Retry-After (1 s, real time); move the connector's clock past the window meanwhile.
    const waitForRefusal = async () => {
      while (connector.refusals().length === refused) await new Promise((resolve) => setTimeout(resolve, 10));
      clock.advance(2_000);
    };
    await Promise.all([delivery, waitForRefusal()]);
    expect(connector.refusals().slice(refused)).toEqual([
      expect.objectContaining({ status: 429, code: 'TooManyRequests', retryAfterSeconds: 1 }),
    ]);
    const texts = connector.sent(inbound.conversation.id).map((sent) => sent.activity.text);
    expect(texts.slice(-9)).toEqual([
      'line 1',
      'line 2',
      'line 3',
      'line 4',
      'line 5',
      'line 6',
      'line 7',
      'line 8',
      'line 9',
    ]);
  });

  it('creates a personal conversation for a proactive message and takes the message into it', async () => {
    clock.advance(60_000);
    let conversationId = '';
    await bot.adapter.createConversationAsync(
      '',
      'msteams',
      connector.serviceUrl,
      '',
      {
        isGroup: false,
        members: [{ id: APPROVER.id, name: APPROVER.name }],
        tenantId: connector.options.tenantId,
        bot: { id: connector.options.bot.id, name: connector.options.bot.name },
        channelData: { tenant: { id: connector.options.tenantId } },
      },
      async (context) => {
        conversationId = context.activity.conversation.id;
        await context.sendActivity('Request waiting for your approval');
      },
    );
    expect(conversationId).toBe(connector.personalConversation(APPROVER).id);
    expect(connector.sent(conversationId).at(-1)?.activity.text).toBe('Request waiting for your approval');
  });
});

describe('loopback Teams connector, raw HTTP', () => {
  let connector: TeamsConnector;
  const clock = manualClock();
  beforeAll(async () => {
    connector = await startTeamsConnector({}, clock);
  });
  afterAll(() => connector.close());

  const post = (conversationId: string, body: unknown) =>
    fetch(`${connector.serviceUrl}v3/conversations/${encodeURIComponent(conversationId)}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('counts 7 sends per second per conversation and names the wait in Retry-After', async () => {
    const conversation = connector.personalConversation(FIRST_ADMIN).id;
    const statuses: number[] = [];
    for (let n = 0; n < 8; n += 1)
      statuses.push((await post(conversation, { type: 'message', text: `${n}` })).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 201, 429]);
    const refused = await post(conversation, { type: 'message', text: 'again' });
    expect(refused.headers.get('retry-after')).toBe('1');
    clock.advance(1_000);
    // 8 per 2 s: one more fits once the first second has passed.
    expect((await post(conversation, { type: 'message', text: 'later' })).status).toBe(201);
  });

  it('refuses an attachment type Teams cannot render', async () => {
    clock.advance(60_000);
    const conversation = connector.personalConversation(APPROVER).id;
    const response = await post(conversation, {
      type: 'message',
      attachments: [{ contentType: 'application/vnd.example.card', content: {} }],
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'BadArgument' } });
  });

  it('answers 403 once the app was removed from the conversation, and 404 for an unknown one', async () => {
    clock.advance(60_000);
    const conversation = connector.options.groupChat.id;
    connector.removeBot(conversation);
    expect((await post(conversation, { type: 'message', text: 'hi' })).status).toBe(403);
    expect((await post('19:nowhere@thread.v2', { type: 'message', text: 'hi' })).status).toBe(404);
  });
});

describe('loopback Teams connector with an app id', () => {
  const appId = '5b2e0c1d-7a34-4e8f-9b21-6c0d4e3f2a19';
  let connector: TeamsConnector;
  let bot: EchoBot;
  let keys: Awaited<ReturnType<typeof createSigningKeys>>;

  beforeAll(async () => {
    keys = await createSigningKeys();
    connector = await startTeamsConnector({ auth: { appId, jwks: keys.jwks } });
    bot = await startEchoBot();
  });
  afterAll(async () => {
    await bot.close();
    await connector.close();
  });

  const token = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: keys.kid })
      .setAudience('https://api.botframework.com')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(keys.privateKey);

  it('refuses an anonymous bot (no Authorization header) with 401', async () => {
    await bot.deliver(connector.inbound.personalMessage(FIRST_ADMIN, 'hello'));
    expect(bot.turnErrors.at(-1)).toMatchObject({ statusCode: 401 });
    expect(connector.sent()).toEqual([]);
  });

  it('accepts a token for its app id and refuses one issued to another app', async () => {
    const conversation = connector.personalConversation(FIRST_ADMIN).id;
    const send = async (bearer: string) =>
      (
        await fetch(
          `${connector.serviceUrl}v3/conversations/${encodeURIComponent(conversation)}/activities`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
            body: JSON.stringify({ type: 'message', text: 'signed' }),
          },
        )
      ).status;
    expect(await send(await token({ appid: appId }))).toBe(201);
    expect(await send(await token({ appid: '3c1d9b7a-52e4-4f0a-8d6b-9a2e7c4f1b05' }))).toBe(401);
  });
});
