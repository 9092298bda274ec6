import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { APPROVER, FIRST_ADMIN } from '../../sandbox/teams/playground-users.js';
import { validateAdaptiveCard } from '../cards/support/adaptive-validator.js';
import { card, cardOf, cardText, RecordingChatOps, startTeamsHarness, type TeamsHarness } from './harness.js';

function manualClock() {
  let now = Date.parse('2026-03-02T09:00:00Z');
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/**
 * Card clicks through the real botbuilder: Action.Execute (`adaptiveCard/action` invoke, answered in the HTTP
 * body), the Action.Submit fallback of old clients, redeliveries, and the endpoint's own refusals.
 */
describe('Teams adapter card actions', () => {
  const chatOps = new RecordingChatOps();
  const clock = manualClock();
  let harness: TeamsHarness;

  beforeAll(async () => {
    harness = await startTeamsHarness(chatOps, { clock, settings: { invokeDeadlineMs: 300 } });
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    clock.advance(60_000);
    chatOps.onAction = (request) => [
      {
        card: card({ title: `Approved by ${request.user.displayName}`, status: 'Running' }),
        visibility: 'conversation',
        replaceOriginal: true,
      },
    ];
  });

  /** `person` clicks the `verb` button of a posted card: an Action.Execute invoke. */
  function clickOn(
    person: typeof FIRST_ADMIN,
    conversationId: string,
    messageId: string,
    verb: string,
    requestId?: string,
    trigger?: 'automatic',
  ) {
    return harness.connector.inbound.cardAction(person, {
      conversationId,
      replyToId: messageId,
      verb,
      ...(requestId === undefined ? {} : { data: { requestId } }),
      ...(trigger === undefined ? {} : { trigger }),
    });
  }

  /** Posts a plan card in the personal chat of `person` and returns the id Teams gave it. */
  async function postedCard(
    person: typeof FIRST_ADMIN,
  ): Promise<{ conversationId: string; messageId: string }> {
    chatOps.onCommand = () => [
      {
        card: card({
          title: 'Plan',
          buttons: [{ id: 'approve', label: 'Approve', data: { requestId: 'r-7' } }],
        }),
        visibility: 'conversation',
      },
    ];
    const inbound = harness.connector.inbound.personalMessage(person, 'bind a@contoso.com');
    await harness.deliver(inbound);
    const sent = harness.connector.sent(inbound.conversation.id).at(-1);
    if (!sent) throw new Error('no plan card was sent');
    return { conversationId: inbound.conversation.id, messageId: sent.id };
  }

  it('answers an Action.Execute invoke with the updated card in the HTTP body', async () => {
    const posted = await postedCard(FIRST_ADMIN);
    const invoke = clickOn(FIRST_ADMIN, posted.conversationId, posted.messageId, 'approve', 'r-7');
    const answer = await harness.deliver(invoke);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    const updated = (answer.body as { value: unknown }).value;
    expect(validateAdaptiveCard(updated)).toEqual([]);
    expect(cardText(updated)).toContain(`Approved by ${FIRST_ADMIN.name}`);
    expect(chatOps.actions.at(-1)).toMatchObject({
      verb: 'approve',
      data: { requestId: 'r-7' },
      user: { platformUserId: FIRST_ADMIN.id },
      message: { messageId: posted.messageId },
    });
    // The answer travelled in the invoke response: nothing new was posted or updated.
    expect(harness.connector.updates(posted.conversationId)).toEqual([]);
  });

  it('answers a redelivered invoke with the first answer and runs the click once', async () => {
    const posted = await postedCard(APPROVER);
    const invoke = clickOn(APPROVER, posted.conversationId, posted.messageId, 'approve', 'r-8');
    const before = chatOps.actions.length;
    const [first, second] = await Promise.all([harness.deliver(invoke), harness.deliver(invoke)]);
    expect(chatOps.actions.length - before).toBe(1);
    expect(second).toEqual(first);
    expect(first.status).toBe(200);
  });

  it('runs a redelivered message once', async () => {
    const inbound = harness.connector.inbound.personalMessage(FIRST_ADMIN, 'approvals');
    const before = chatOps.commands.length;
    await harness.deliver(inbound);
    await harness.deliver(inbound);
    expect(chatOps.commands.length - before).toBe(1);
    expect(
      harness.connector.sent(inbound.conversation.id).filter((sent) => sent.replyToId === inbound.id),
    ).toHaveLength(1);
  });

  it('takes an Action.Submit fallback (message with value) as the same action and updates the card', async () => {
    const posted = await postedCard(FIRST_ADMIN);
    const submit = {
      ...harness.connector.inbound.personalMessage(FIRST_ADMIN, ''),
      text: undefined,
      replyToId: posted.messageId,
      value: { verb: 'approve', requestId: 'r-9' },
    };
    const answer = await harness.deliver(submit);
    expect(answer.status).toBe(200);
    expect(chatOps.actions.at(-1)).toMatchObject({ verb: 'approve', data: { requestId: 'r-9' } });
    const current = harness.connector.currentVersion(posted.conversationId, posted.messageId);
    expect(cardText(cardOf(current))).toContain(`Approved by ${FIRST_ADMIN.name}`);
  });

  /** A plan card posted in the General channel (a thread root); its message id. */
  async function channelCard(): Promise<{ teamId: string; messageId: string }> {
    chatOps.onCommand = () => [
      {
        card: card({
          title: 'Plan',
          buttons: [{ id: 'approve', label: 'Approve', data: { requestId: 'r-c' } }],
        }),
        visibility: 'conversation',
      },
    ];
    await harness.deliver(harness.connector.inbound.channelMessage(FIRST_ADMIN, 'bind a@contoso.com'));
    const teamId = harness.connector.options.team.id;
    const sent = harness.connector.sent(teamId).at(-1);
    if (!sent) throw new Error('no plan card was sent');
    return { teamId, messageId: sent.id };
  }

  it('replaces a clicked channel card for everyone as well as in the invoke response', async () => {
    const posted = await channelCard();
    const invoke = clickOn(APPROVER, posted.teamId, posted.messageId, 'approve', 'r-c');
    const answer = await harness.deliver(invoke);
    expect(cardText((answer.body as { value: unknown }).value)).toContain(`Approved by ${APPROVER.name}`);
    const current = harness.connector.currentVersion(posted.teamId, posted.messageId);
    expect(cardText(cardOf(current))).toContain(`Approved by ${APPROVER.name}`);
  });

  it('leaves a clicked channel card alone when the core already sent it a newer card, and answers without the older one', async () => {
    const posted = await channelCard();
    const updatesBefore = harness.connector.updates(posted.teamId).length;
    const asked: string[] = [];
    chatOps.onAction = () => [
      {
        card: card({ title: 'Approved, starting', status: 'Approved' }),
        visibility: 'conversation',
        replaceOriginal: true,
        inOrder: (message) => {
          asked.push(message.messageId);
          return Promise.resolve(false);
        },
      },
    ];
    const invoke = clickOn(APPROVER, posted.teamId, posted.messageId, 'approve', 'r-c');
    const answer = await harness.deliver(invoke);
    expect(asked).toEqual([posted.messageId]);
    expect(answer.body).toMatchObject({ type: 'application/vnd.microsoft.activity.message' });
    expect(harness.connector.updates(posted.teamId)).toHaveLength(updatesBefore);
  });

  it('answers a refresh only for the user it is for, leaving the shared card alone', async () => {
    const posted = await channelCard();
    const updatesBefore = harness.connector.updates(posted.teamId).length;
    const invoke = clickOn(APPROVER, posted.teamId, posted.messageId, 'refresh', 'r-c', 'automatic');
    const answer = await harness.deliver(invoke);
    expect(answer.body).toMatchObject({ type: 'application/vnd.microsoft.card.adaptive' });
    expect(harness.connector.updates(posted.teamId)).toHaveLength(updatesBefore);
  });

  it('shows a refusal to a click only to the clicker, under the card, and posts nothing', async () => {
    chatOps.onAction = () => [
      {
        card: card({ title: 'Not done', notes: [{ text: 'You cannot approve your own request.' }] }),
        visibility: 'private',
      },
    ];
    const posted = await channelCard();
    const sentBefore = harness.connector.sent().length;
    const invoke = clickOn(FIRST_ADMIN, posted.teamId, posted.messageId, 'approve', 'r-c');
    const answer = await harness.deliver(invoke);
    expect(answer.body).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: 'Not done: You cannot approve your own request.',
    });
    expect(harness.connector.sent()).toHaveLength(sentBefore);
  });

  it('sends a private card that comes with a replacement to the 1:1 chat, never the channel', async () => {
    chatOps.onAction = () => [
      {
        card: card({ title: 'Request card, current state' }),
        visibility: 'conversation',
        replaceOriginal: true,
      },
      { card: card({ title: 'New password: Xy-77' }), visibility: 'private' },
    ];
    const posted = await channelCard();
    const invoke = clickOn(APPROVER, posted.teamId, posted.messageId, 'approve', 'r-c');
    const answer = await harness.deliver(invoke);
    expect(JSON.stringify(answer.body)).not.toContain('Xy-77');
    expect(JSON.stringify(harness.connector.sent(posted.teamId))).not.toContain('Xy-77');
    expect(JSON.stringify(harness.connector.updates(posted.teamId))).not.toContain('Xy-77');
    const personal = harness.connector.personalConversation(APPROVER).id;
    expect(cardText(cardOf(harness.connector.sent(personal).at(-1)?.activity))).toContain(
      'New password: Xy-77',
    );
  });

  it('answers in time when the core is slow, and updates the card once the core has answered', async () => {
    const posted = await postedCard(FIRST_ADMIN);
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    chatOps.onAction = async () => {
      await released;
      return [{ card: card({ title: 'Finally done' }), visibility: 'conversation', replaceOriginal: true }];
    };
    const invoke = clickOn(FIRST_ADMIN, posted.conversationId, posted.messageId, 'approve');
    const updatesBefore = harness.connector.updates(posted.conversationId).length;
    const answer = await harness.deliver(invoke);
    expect(answer.body).toMatchObject({ type: 'application/vnd.microsoft.activity.message' });
    release();
    const isUpdate = () => harness.connector.updates(posted.conversationId).length > updatesBefore;
    for (let waited = 0; !isUpdate() && waited < 5_000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const current = harness.connector.currentVersion(posted.conversationId, posted.messageId);
    expect(cardText(cardOf(current))).toContain('Finally done');
  });

  it('refuses a body over the size cap with 413 and a non-JSON body with 400, running nothing', async () => {
    const before = chatOps.commands.length;
    const big = harness.connector.inbound.personalMessage(FIRST_ADMIN, 'x'.repeat(300 * 1024));
    expect((await harness.deliver(big)).status).toBe(413);
    const response = await fetch(`${harness.http.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type": "message", ',
    });
    expect(response.status).toBe(400);
    expect(chatOps.commands.length).toBe(before);
  });

  it('tells a sender Teams did not identify that it cannot check their role, and runs nothing', async () => {
    const inbound = harness.connector.inbound.personalMessage(FIRST_ADMIN, 'status a@contoso.com');
    const anonymous = { ...inbound, from: { id: FIRST_ADMIN.id, name: FIRST_ADMIN.name } };
    const before = chatOps.commands.length;
    await harness.deliver(anonymous);
    expect(chatOps.commands.length).toBe(before);
    expect(harness.connector.sent(inbound.conversation.id).at(-1)?.activity.text).toContain(
      'cannot tell who you are',
    );
  });
});
