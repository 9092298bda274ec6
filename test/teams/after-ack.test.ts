import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Reply } from '../../commands/chat/types.js';
import { APPROVER, FIRST_ADMIN } from '../../sandbox/teams/playground-users.js';
import { card, cardOf, cardText, RecordingChatOps, startTeamsHarness, type TeamsHarness } from './harness.js';

/** A promise the test resolves when it wants, and one the code under test resolves when it got there. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const answer = (text: string): Reply[] => [{ card: card({ title: text }), visibility: 'conversation' }];

/**
 * A Teams message is acknowledged (HTTP 200) as soon as botbuilder has authenticated it; its turn — the chat
 * core and the replies to the Bot Connector — runs afterwards, as real Teams expects.
 */
describe('Teams messages are answered before their turn runs', () => {
  const chatOps = new RecordingChatOps();
  let harness: TeamsHarness;

  beforeAll(async () => {
    harness = await startTeamsHarness(chatOps);
  });
  afterAll(() => harness.close());

  it('answers the POST while the chat core is still working, and the reply reaches the connector afterwards', async () => {
    const turnStarted = gate();
    const coreMayAnswer = gate();
    chatOps.onCommand = async (request) => {
      turnStarted.open();
      await coreMayAnswer.opened;
      return answer(`Status of ${request.text.slice('status '.length)}`);
    };
    const inbound = harness.connector.inbound.personalMessage(FIRST_ADMIN, 'status grace@contoso.com');

    expect(await harness.post(inbound)).toEqual({ status: 200, body: null });
    await turnStarted.opened;
    expect(harness.connector.sent(inbound.conversation.id)).toEqual([]);

    coreMayAnswer.open();
    const reply = await harness.connector.waitForSent(
      (sent) => sent.conversationId === inbound.conversation.id,
    );
    expect(cardText(cardOf(reply.activity))).toContain('Status of grace@contoso.com');
    expect(reply.replyToId).toBe(inbound.id);
  });

  it('tells the sender that something went wrong when the turn fails after the answer', async () => {
    chatOps.onCommand = () => Promise.reject(new Error('the directory is unreachable'));
    const inbound = harness.connector.inbound.personalMessage(APPROVER, 'status grace@contoso.com');

    expect((await harness.post(inbound)).status).toBe(200);
    const reply = await harness.connector.waitForSent(
      (sent) => sent.conversationId === inbound.conversation.id,
    );
    expect(reply.activity.text).toMatch(/Something went wrong/);
    expect(JSON.stringify(reply.activity)).not.toContain('unreachable');
  });

  it('still answers a card click (invoke) in the HTTP body, after its turn ran', async () => {
    chatOps.onAction = (request) => [
      { card: card({ title: `Clicked ${request.verb}` }), visibility: 'conversation', replaceOriginal: true },
    ];
    const conversationId = harness.connector.personalConversation(FIRST_ADMIN).id;
    const invoke = harness.connector.inbound.cardAction(FIRST_ADMIN, {
      conversationId,
      replyToId: 'card-1',
      verb: 'approve',
      data: { request: 'r-1' },
    });

    const answered = await harness.post(invoke);

    expect(answered.status).toBe(200);
    expect(cardText((answered.body as { value?: unknown }).value)).toContain('Clicked approve');
  });
});
