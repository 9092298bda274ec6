import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { TeamsDeliveryError } from '../../bot/teams/messenger.js';
import type { ConversationRef, MessageRef } from '../../commands/chat/types.js';
import { APPROVER, FIRST_ADMIN, OTHER_USERS } from '../../sandbox/teams/playground-users.js';
import { validateAdaptiveCard } from '../cards/support/adaptive-validator.js';
import { card, cardOf, cardText, RecordingChatOps, startTeamsHarness, type TeamsHarness } from './harness.js';

/**
 * A CSV card holds the text in a RichTextBlock of one TextRun (plain text, no Markdown; Adaptive Cards ≥ 1.2).
 * The shared validator knows only the elements cards/render-adaptive.ts emits, so the RichTextBlock is checked
 * here by hand against the 1.5 schema's properties and the rest of the card by the validator.
 */
function expectValidCsvCard(part: Record<string, unknown> | undefined): void {
  const body = (part?.body ?? []) as Record<string, unknown>[];
  const rich = body.filter((element) => element.type === 'RichTextBlock');
  expect(rich).toHaveLength(1);
  expect(rich[0]).toEqual({
    type: 'RichTextBlock',
    inlines: [{ type: 'TextRun', text: expect.any(String), fontType: 'Monospace', size: 'small' }],
  });
  const rest = body.filter((element) => element.type !== 'RichTextBlock');
  expect(validateAdaptiveCard({ ...part, body: rest })).toEqual([]);
}

function manualClock() {
  let now = Date.parse('2026-03-02T09:00:00Z');
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/**
 * The ChatSurface the chat core uses outside a request: proactive posts, in-place updates, private 1:1
 * messages and CSV delivery, through botbuilder's continueConversationAsync / createConversationAsync against
 * the loopback Bot Connector.
 */
describe('Teams surface (proactive)', () => {
  const chatOps = new RecordingChatOps();
  const clock = manualClock();
  let harness: TeamsHarness;

  beforeAll(async () => {
    harness = await startTeamsHarness(chatOps, { clock });
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    clock.advance(60_000);
  });

  /** The ConversationRef the core got with a command sent in `inbound`'s conversation. */
  async function conversationOf(inbound: Record<string, unknown>): Promise<ConversationRef> {
    await harness.deliver(inbound);
    const conversation = chatOps.commands.at(-1)?.conversation;
    if (!conversation) throw new Error('no command reached the core');
    return conversation;
  }

  it('updates a tracked card in place, for everyone, from a proactive turn', async () => {
    chatOps.onCommand = () => [
      {
        card: card({ title: 'Bind 3 users', progress: { done: 0, total: 3 } }),
        visibility: 'conversation',
        tracking: { requestId: 'req-1' },
      },
    ];
    const inbound = harness.connector.inbound.channelMessage(FIRST_ADMIN, 'bind a@x.com b@x.com c@x.com');
    await harness.deliver(inbound);
    const tracked = chatOps.bound.at(-1)?.message as MessageRef;

    await harness.endpoint.surface.update(
      tracked,
      card({ title: 'Bind 3 users', progress: { done: 2, total: 3, failed: 1 } }),
    );

    const [update] = harness.connector.updates(harness.connector.options.team.id);
    expect(update?.id).toBe(tracked.messageId);
    const current = cardOf(
      harness.connector.currentVersion(harness.connector.options.team.id, tracked.messageId),
    );
    expect(validateAdaptiveCard(current)).toEqual([]);
    expect(cardText(current)).toContain('2 of 3');
  });

  it('posts a new top-level channel message, not a reply in the thread the conversation came from', async () => {
    const conversation = await conversationOf(
      harness.connector.inbound.channelMessage(APPROVER, 'digest subscribe'),
    );
    const teamId = harness.connector.options.team.id;
    expect(conversation.id).toBe(teamId);

    const posted = await harness.endpoint.surface.post(conversation, card({ title: 'Daily digest' }));

    const sent = harness.connector.sent(teamId).find((entry) => entry.id === posted.messageId);
    expect(sent?.conversationId).toBe(teamId);
    expect(cardText(cardOf(sent?.activity))).toContain('Daily digest');
    expect(posted.conversation.id).toBe(teamId);
  });

  it('posts privately into a 1:1 chat it creates for the user, never into the channel', async () => {
    const person = OTHER_USERS[0] ?? APPROVER;
    const conversation = await conversationOf(harness.connector.inbound.channelMessage(person, 'status me'));
    const user = chatOps.commands.at(-1)?.user;
    if (!user) throw new Error('no user');
    const channelBefore = harness.connector.sent(harness.connector.options.team.id).length;

    await harness.endpoint.surface.postPrivate(
      user,
      conversation,
      card({ title: 'Your approval is needed' }),
    );

    expect(harness.connector.sent(harness.connector.options.team.id)).toHaveLength(channelBefore);
    const personal = harness.connector.personalConversation(person).id;
    expect(cardText(cardOf(harness.connector.sent(personal).at(-1)?.activity))).toContain(
      'Your approval is needed',
    );
  });

  it('delivers a CSV as valid text cards beside the conversation, split when long', async () => {
    const conversation = await conversationOf(
      harness.connector.inbound.personalMessage(FIRST_ADMIN, 'audit --csv'),
    );
    const header = 'when,who,what\r\n';
    const rows = Array.from(
      { length: 800 },
      (_, n) => `2026-03-0${(n % 9) + 1},user${n}@contoso.com,bind\r\n`,
    ).join('');
    const before = harness.connector.sent(conversation.id).length;

    await harness.endpoint.surface.uploadFile(conversation, 'audit.csv', header + rows);

    const parts = harness.connector
      .sent(conversation.id)
      .slice(before)
      .map((sent) => cardOf(sent.activity));
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expectValidCsvCard(part);
    const text = parts.map(cardText).join('\n');
    expect(text).toContain(`audit.csv (part 1 of ${parts.length})`);
    expect(text).toContain('when,who,what');
    expect(text).toContain('user0@contoso.com');
    expect(text).toContain('user799@contoso.com');
  });

  it('posts the CSV a card offers by content beside the card, once', async () => {
    const csvCard = card({
      title: 'Import preview',
      csv: { filename: 'preview.csv', rowCount: 1, content: 'email\r\na@x.com\r\n' },
    });
    chatOps.onCommand = () => [
      { card: csvCard, visibility: 'conversation', tracking: { requestId: 'req-csv' } },
    ];
    const inbound = harness.connector.inbound.personalMessage(APPROVER, 'import-preview --all');
    await harness.deliver(inbound);
    const tracked = chatOps.bound.at(-1)?.message as MessageRef;
    await harness.endpoint.surface.update(tracked, csvCard);

    const texts = harness.connector
      .sent(inbound.conversation.id)
      .map((sent) => cardText(cardOf(sent.activity)));
    expect(texts.filter((text) => text.includes('a@x.com'))).toHaveLength(1);
  });

  it('reports a conversation the app was removed from as a TeamsDeliveryError with status 403', async () => {
    const conversation = await conversationOf(
      harness.connector.inbound.groupChatMessage(FIRST_ADMIN, 'approvals'),
    );
    harness.connector.removeBot(harness.connector.options.groupChat.id);
    const attempt = harness.endpoint.surface.post(conversation, card({ title: 'Digest' }));
    await expect(attempt).rejects.toBeInstanceOf(TeamsDeliveryError);
    await expect(attempt).rejects.toMatchObject({ status: 403 });
  });

  it('refuses a conversation without a Teams reference instead of guessing where it is', async () => {
    const conversation: ConversationRef = { platform: 'teams', id: '19:x@thread.tacv2', kind: 'channel' };
    await expect(harness.endpoint.surface.post(conversation, card({ title: 'x' }))).rejects.toThrow(
      'carries no Teams conversation reference',
    );
  });
});
