import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { teamsReferenceSchema } from '../../bot/teams/identity.js';
import type { ConversationRef } from '../../commands/chat/types.js';
import { APPROVER, FIRST_ADMIN, LOCAL_TENANT_ID } from '../../sandbox/teams/playground-users.js';
import { validateAdaptiveCard } from '../cards/support/adaptive-validator.js';
import { card, cardOf, cardText, RecordingChatOps, startTeamsHarness, type TeamsHarness } from './harness.js';

/** A clock that moves only when the test says, so the connector's rate windows never depend on timing. */
function manualClock() {
  let now = Date.parse('2026-03-02T09:00:00Z');
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/**
 * Activity → CommandRequest / ActionRequest and Reply → Teams, end to end through the real botbuilder
 * (CloudAdapter + TeamsActivityHandler) against the loopback Bot Connector, with a recording ChatOps double.
 */
describe('Teams adapter translation', () => {
  const chatOps = new RecordingChatOps();
  const clock = manualClock();
  const remembered: ConversationRef[] = [];
  let harness: TeamsHarness;

  beforeAll(async () => {
    harness = await startTeamsHarness(chatOps, {
      clock,
      route: {
        rememberConversation: (conversation) => {
          remembered.push(conversation);
          return Promise.resolve();
        },
      },
    });
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    clock.advance(60_000);
    chatOps.onCommand = (request) => [
      {
        card: card({
          title: `You said: ${request.text}`,
          buttons: [{ id: 'approve', label: 'Approve', data: { requestId: 'r-1' } }],
        }),
        visibility: 'conversation',
      },
    ];
  });

  it('answers a command in personal chat with an Adaptive Card 1.5 whose buttons are Action.Execute', async () => {
    const inbound = harness.connector.inbound.personalMessage(FIRST_ADMIN, 'status nora@contoso.com');
    const delivered = await harness.deliver(inbound);
    expect(delivered.status).toBe(200);

    const request = chatOps.commands.at(-1);
    expect(request?.text).toBe('status nora@contoso.com');
    expect(request?.user).toEqual({
      platform: 'teams',
      id: `${LOCAL_TENANT_ID}:${FIRST_ADMIN.aadObjectId}`,
      displayName: FIRST_ADMIN.name,
      platformUserId: FIRST_ADMIN.id,
    });
    expect(request?.conversation).toMatchObject({
      platform: 'teams',
      id: inbound.conversation.id,
      kind: 'personal',
    });
    expect(teamsReferenceSchema.parse(request?.conversation.extra)).toMatchObject({
      serviceUrl: harness.connector.serviceUrl,
      conversationId: inbound.conversation.id,
      botId: harness.connector.options.bot.id,
    });

    const [reply] = harness.connector.sent(inbound.conversation.id);
    expect(reply?.replyToId).toBe(inbound.id);
    const sentCard = cardOf(reply?.activity);
    expect(sentCard?.version).toBe('1.5');
    expect(validateAdaptiveCard(sentCard)).toEqual([]);
    expect(JSON.stringify(sentCard)).toContain('"type":"Action.Execute","title":"Approve","verb":"approve"');
    expect(cardText(sentCard)).toContain('You said: status nora@contoso.com');
  });

  it('parses a channel message without the bot @mention and answers in its thread', async () => {
    const inbound = harness.connector.inbound.channelMessage(APPROVER, 'expiring 14');
    expect(inbound.text).toBe(`<at>${harness.connector.options.bot.name}</at> expiring 14`);
    await harness.deliver(inbound);

    const request = chatOps.commands.at(-1);
    expect(request?.text).toBe('expiring 14');
    const teamId = harness.connector.options.team.id;
    expect(request?.conversation).toMatchObject({ id: teamId, kind: 'channel' });
    const reply = harness.connector.sent(teamId).at(-1);
    expect(reply?.conversationId).toBe(`${teamId};messageid=${inbound.id}`);
    expect(cardText(cardOf(reply?.activity))).toContain('You said: expiring 14');
  });

  it('takes group chat messages as commands, with the mention removed', async () => {
    const inbound = harness.connector.inbound.groupChatMessage(FIRST_ADMIN, 'approvals');
    await harness.deliver(inbound);
    expect(chatOps.commands.at(-1)).toMatchObject({ text: 'approvals', conversation: { kind: 'group' } });
    expect(harness.connector.sent(inbound.conversation.id)).toHaveLength(1);
  });

  it('asks for help when the message is only the @mention', async () => {
    const inbound = harness.connector.inbound.channelMessage(FIRST_ADMIN, '');
    await harness.deliver(inbound);
    expect(chatOps.commands.at(-1)?.text).toBe('help');
  });

  it('resolves other @mentioned people through the roster into CommandRequest.mentions', async () => {
    const inbound = harness.connector.inbound.channelMessage(
      FIRST_ADMIN,
      `admins grant <at>${APPROVER.name}</at> approver`,
    );
    inbound.entities = [
      ...(inbound.entities as unknown[]),
      {
        type: 'mention',
        text: `<at>${APPROVER.name}</at>`,
        mentioned: { id: APPROVER.id, name: APPROVER.name },
      },
    ];
    await harness.deliver(inbound);
    const request = chatOps.commands.at(-1);
    expect(request?.text).toBe(`admins grant <at>${APPROVER.name}</at> approver`);
    expect(request?.mentions).toEqual([
      {
        platform: 'teams',
        id: `${LOCAL_TENANT_ID}:${APPROVER.aadObjectId}`,
        displayName: APPROVER.name,
        platformUserId: APPROVER.id,
      },
    ]);
  });

  it('sends a private reply to the user in a 1:1 chat, never into the channel', async () => {
    chatOps.onCommand = () => [
      { card: card({ title: 'Only for you: Temp-Password-1' }), visibility: 'private' },
      { card: card({ title: 'Password reset done, details sent privately' }), visibility: 'conversation' },
    ];
    const inbound = harness.connector.inbound.channelMessage(
      APPROVER,
      'password-reset grace.okafor@contoso.com',
    );
    await harness.deliver(inbound);

    const teamId = harness.connector.options.team.id;
    const inChannel = harness.connector.sent(teamId).filter((sent) => sent.at === clock.now());
    expect(inChannel.map((sent) => cardText(cardOf(sent.activity)))).toEqual([
      expect.stringContaining('details sent privately'),
    ]);
    expect(JSON.stringify(harness.connector.sent(teamId))).not.toContain('Temp-Password-1');
    const personal = harness.connector.personalConversation(APPROVER).id;
    const privately = harness.connector.sent(personal).at(-1);
    expect(cardText(cardOf(privately?.activity))).toContain('Only for you: Temp-Password-1');
  });

  it('keeps a private reply in the personal chat it was asked in', async () => {
    chatOps.onCommand = () => [{ card: card({ title: 'Secret for Nora' }), visibility: 'private' }];
    const inbound = harness.connector.inbound.personalMessage(
      FIRST_ADMIN,
      'password-reset mei.chen@contoso.com',
    );
    await harness.deliver(inbound);
    const reply = harness.connector.sent(inbound.conversation.id).at(-1);
    expect(reply?.replyToId).toBe(inbound.id);
    expect(cardText(cardOf(reply?.activity))).toContain('Secret for Nora');
  });

  it('tells the core which message a tracked reply became', async () => {
    chatOps.onCommand = () => [
      {
        card: card({ title: 'Plan: bind 2 users' }),
        visibility: 'conversation',
        tracking: { requestId: 'req-42' },
      },
    ];
    const inbound = harness.connector.inbound.personalMessage(APPROVER, 'bind a@contoso.com b@contoso.com');
    await harness.deliver(inbound);
    const sent = harness.connector.sent(inbound.conversation.id).at(-1);
    expect(chatOps.bound.at(-1)).toEqual({
      requestId: 'req-42',
      message: {
        conversation: expect.objectContaining({ id: inbound.conversation.id }),
        messageId: sent?.id,
      },
    });
  });

  it('remembers a channel the app was added to and a personal chat it was installed in', async () => {
    const { team, bot } = harness.connector.options;
    const base = harness.connector.inbound.channelMessage(FIRST_ADMIN, '');
    const added = {
      ...base,
      type: 'conversationUpdate',
      text: undefined,
      entities: undefined,
      conversation: { id: team.id, conversationType: 'channel', isGroup: true, tenantId: LOCAL_TENANT_ID },
      membersAdded: [{ id: bot.id }],
      channelData: { ...(base.channelData as object), eventType: 'teamMemberAdded' },
    };
    expect((await harness.deliver(added)).status).toBe(200);
    const installed = {
      ...harness.connector.inbound.personalMessage(APPROVER, ''),
      type: 'installationUpdate',
      action: 'add',
      text: undefined,
    };
    expect((await harness.deliver(installed)).status).toBe(200);

    expect(remembered.map((conversation) => [conversation.id, conversation.kind])).toEqual([
      [team.id, 'channel'],
      [harness.connector.personalConversation(APPROVER).id, 'personal'],
    ]);
    expect(teamsReferenceSchema.parse(remembered[0]?.extra).serviceUrl).toBe(harness.connector.serviceUrl);
  });
});
