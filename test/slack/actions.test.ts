import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { ConversationRef } from '../../commands/chat/types.js';
import {
  APPROVALS,
  blockText,
  card,
  eventually,
  Gate,
  GRACE,
  IT_OPS,
  NORA,
  RecordingChatOps,
  reply,
  SAMIR,
  startSlackHarness,
  TEAM,
  type SlackHarness,
} from './harness.js';

/** Button clicks (block_actions) and private replies through the real Bolt. */

const approvals: ConversationRef = { platform: 'slack', id: APPROVALS, kind: 'channel' };
const itOps: ConversationRef = { platform: 'slack', id: IT_OPS, kind: 'channel' };

const approvalCard = card('Approve bind of 2 users', {
  buttons: [
    { id: 'approve', label: 'Approve', style: 'primary', data: { requestId: 'req-a' } },
    { id: 'approve', label: 'Approve the other', style: 'primary', data: { requestId: 'req-b' } },
    { id: 'cancel', label: 'Cancel', style: 'danger', data: { requestId: 'req-a' } },
  ],
});

interface RenderedButton {
  action_id: string;
  value: string;
}

/** The buttons of a posted message, as Slack stores them. */
function buttonsOf(blocks: unknown): RenderedButton[] {
  return ((blocks ?? []) as { type: string; elements?: RenderedButton[] }[])
    .filter((block) => block.type === 'actions')
    .flatMap((block) => block.elements ?? []);
}

describe('Slack adapter: button clicks and private replies', () => {
  const ops = new RecordingChatOps();
  let harness: SlackHarness;

  beforeAll(async () => {
    harness = await startSlackHarness(ops);
  });
  afterEach(async () => {
    await harness.adapter.idle();
    ops.onAction = (request) => [reply(`Clicked ${request.verb}`)];
  });
  afterAll(() => harness.close());

  async function postApprovalCard() {
    const posted = await harness.adapter.surface.post(approvals, approvalCard);
    const message = harness.api.messages(APPROVALS).find((candidate) => candidate.ts === posted.messageId);
    const buttons = buttonsOf(message?.blocks);
    /** Someone clicks the card's button `actionId` (a signed block_actions request). */
    const click = (userId: string, actionId: string) => {
      const button = buttons.find((candidate) => candidate.action_id === actionId);
      if (button === undefined) throw new Error(`the card has no ${actionId} button`);
      return harness.slack.blockAction({
        userId,
        channelId: APPROVALS,
        messageTs: posted.messageId,
        actionId: button.action_id,
        value: button.value,
      });
    };
    return { posted, buttons, click };
  }

  it('acknowledges a click at once and then updates the clicked message with chat.update', async () => {
    const { api } = harness;
    const { posted, click } = await postApprovalCard();
    const gate = new Gate();
    ops.onAction = async () => {
      await gate.opened;
      return [
        {
          card: card('Approved by Samir', { status: 'Approved' }),
          visibility: 'conversation',
          tracking: { requestId: 'req-b' },
          replaceOriginal: true,
        },
      ];
    };

    const response = await click(SAMIR, 'approve#2');
    expect(response).toEqual({ status: 200, body: '' });
    await eventually(() => ops.running === 1, 'the chat core to be working on the click');
    gate.release();
    await harness.adapter.idle();

    expect(ops.actions.at(-1)).toEqual({
      user: { platform: 'slack', id: `${TEAM}:${SAMIR}`, displayName: 'Samir Haddad', platformUserId: SAMIR },
      conversation: approvals,
      verb: 'approve',
      data: { requestId: 'req-b' },
      message: { conversation: approvals, messageId: posted.messageId },
    });
    const update = api.updates(APPROVALS).at(-1);
    expect(update?.via).toBe('chat.update');
    expect(update?.ts).toBe(posted.messageId);
    expect(api.messages(APPROVALS).find((message) => message.ts === posted.messageId)?.text).toContain(
      'Approved by Samir',
    );
    expect(ops.bound.at(-1)).toEqual({ requestId: 'req-b', message: posted });
  });

  it('replaces the clicked message only with the reply marked replaceOriginal and posts the others', async () => {
    const { api } = harness;
    const { click } = await postApprovalCard();
    ops.onAction = () => [
      reply('Also this'),
      reply('Page 2 of 3', 'conversation', { replaceOriginal: true }),
    ];
    const before = api.messages(APPROVALS).length;
    await click(NORA, 'cancel');
    await harness.adapter.idle();
    expect(ops.actions.at(-1)?.verb).toBe('cancel');
    expect(api.updates(APPROVALS).at(-1)?.text).toContain('Page 2 of 3');
    expect(
      api
        .messages(APPROVALS)
        .slice(before)
        .map((message) => message.text),
    ).toEqual([expect.stringContaining('Also this')]);
  });

  it('replaces the clicked message through the order the core gave the reply, and not at all when it says no', async () => {
    const { api } = harness;
    const { posted, click } = await postApprovalCard();
    const asked: string[] = [];
    let allow = true;
    const clickCancel = async (title: string) => {
      ops.onAction = () => [
        reply(title, 'conversation', {
          replaceOriginal: true,
          inOrder: async (message, replace) => {
            asked.push(message.messageId);
            if (!allow) return false;
            await replace();
            return true;
          },
        }),
      ];
      await click(NORA, 'cancel');
      await harness.adapter.idle();
    };

    await clickCancel('Cancelled by Nora');
    expect(api.updates(APPROVALS).at(-1)?.text).toContain('Cancelled by Nora');
    const updates = api.updates(APPROVALS).length;
    allow = false;
    await clickCancel('An older state');
    expect(asked).toEqual([posted.messageId, posted.messageId]);
    expect(api.updates(APPROVALS)).toHaveLength(updates);
    expect(
      api
        .ephemerals(NORA)
        .map((ephemeral) => ephemeral.text)
        .join('\n'),
    ).not.toContain('older');
  });

  it('shows a private reply only to the person who clicked, as an ephemeral, never replacing the shared card', async () => {
    const { api, slack } = harness;
    const { posted, buttons } = await postApprovalCard();
    ops.onAction = () => [reply('Only for you', 'private', { replaceOriginal: true })];
    const channelBefore = api.messages(APPROVALS).length;
    const updatesBefore = api.updates(APPROVALS).length;
    const othersBefore = api.ephemerals(SAMIR).length;
    await slack.blockAction({
      userId: NORA,
      channelId: APPROVALS,
      messageTs: posted.messageId,
      actionId: 'approve',
      value: buttons[0]?.value ?? '',
    });
    await harness.adapter.idle();
    const whisper = api.ephemerals(NORA).at(-1);
    expect(whisper).toMatchObject({ channel: APPROVALS, user: NORA, via: 'chat.postEphemeral' });
    expect(whisper?.text).toContain('Only for you');
    expect(api.ephemerals(SAMIR).length).toBe(othersBefore);
    expect(api.messages(APPROVALS).length).toBe(channelBefore);
    expect(api.updates(APPROVALS).length).toBe(updatesBefore);
  });

  it('replaces a card only the clicker sees (an ephemeral) through the click’s response_url', async () => {
    const { api, slack, adapter } = harness;
    const user = {
      platform: 'slack' as const,
      id: `${TEAM}:${NORA}`,
      displayName: 'Nora',
      platformUserId: NORA,
    };
    await adapter.surface.postPrivate(user, approvals, approvalCard);
    const shown = api.ephemerals(NORA).at(-1);
    if (shown === undefined) throw new Error('the private card was not shown');
    ops.onAction = () => [reply('Approved, just for you', 'private', { replaceOriginal: true })];
    const updatesBefore = api.updates(APPROVALS).length;

    await slack.blockAction({
      userId: NORA,
      channelId: APPROVALS,
      messageTs: shown.ts,
      actionId: 'approve',
      value: buttonsOf(shown.blocks)[0]?.value ?? '',
    });
    await adapter.idle();

    const replaced = api.ephemerals(NORA).find((ephemeral) => ephemeral.ts === shown.ts);
    expect(replaced?.text).toContain('Approved, just for you');
    expect(api.updates(APPROVALS).slice(updatesBefore)).toEqual([
      expect.objectContaining({ ts: shown.ts, via: 'response_url', user: NORA }),
    ]);
    expect(api.responseUrlPosts().at(-1)).toMatchObject({ status: 200 });
  });

  it('sends a private reply as a direct message when the person is not in the channel', async () => {
    const { api, slack } = harness;
    const { posted } = await postApprovalCard();
    ops.onAction = () => [reply('Not for the channel', 'private')];
    const channelBefore = api.messages(APPROVALS).length;
    // Grace is not a member of #approvals: chat.postEphemeral answers user_not_in_channel.
    await slack.blockAction({
      userId: GRACE,
      channelId: APPROVALS,
      messageTs: posted.messageId,
      actionId: 'approve',
      value: '{"requestId":"req-a"}',
    });
    await harness.adapter.idle();
    const dm = api.openDirectMessage(GRACE);
    expect(api.messages(dm).map((message) => message.text)).toEqual([
      expect.stringContaining('Not for the channel'),
    ]);
    expect(api.messages(APPROVALS).length).toBe(channelBefore);
    expect(api.ephemerals(GRACE)).toEqual([]);
  });

  it('uploads the CSV a reply carries beside the card, once', async () => {
    const { api, slack } = harness;
    const csv = 'email,state\nanna@contoso.com,bound\n';
    const withCsv = card('Audit', { csv: { filename: 'audit.csv', rowCount: 1, content: csv } });
    ops.onAction = () => [{ card: withCsv, visibility: 'conversation', replaceOriginal: true }];
    const { posted } = await postApprovalCard();
    await slack.blockAction({
      userId: NORA,
      channelId: APPROVALS,
      messageTs: posted.messageId,
      actionId: 'approve',
      value: '{}',
    });
    await harness.adapter.idle();
    await harness.adapter.surface.update(posted, withCsv);
    const files = api.files().filter((file) => file.filename === 'audit.csv');
    expect(files).toHaveLength(1);
    expect(files[0]?.channels).toEqual([APPROVALS]);
    expect(files[0]?.content?.toString('utf8')).toBe(csv);
  });

  it('does not hand the chat core a click whose value this bot did not write, and tells the clicker', async () => {
    const { posted } = await postApprovalCard();
    const before = ops.actions.length;
    await harness.slack.blockAction({
      userId: NORA,
      channelId: APPROVALS,
      messageTs: posted.messageId,
      actionId: 'approve',
      value: 'not json',
    });
    await harness.adapter.idle();
    expect(ops.actions.length).toBe(before);
    const notice = harness.api.ephemerals(NORA).at(-1);
    expect(notice?.via).toBe('response_url');
    expect(blockText(notice?.blocks)).toContain('not one this bot can read');
  });

  it('refuses a forged click with 401 and changes nothing', async () => {
    const { api, slack } = harness;
    const { posted } = await postApprovalCard();
    const before = { actions: ops.actions.length, updates: api.updates().length };
    const response = await slack.blockAction(
      { userId: NORA, channelId: APPROVALS, messageTs: posted.messageId, actionId: 'approve', value: '{}' },
      'forged',
    );
    expect(response.status).toBe(401);
    await harness.adapter.idle();
    expect({ actions: ops.actions.length, updates: api.updates().length }).toEqual(before);
  });

  it('posts a card meant for some people only as ephemerals to them', async () => {
    const { api } = harness;
    const before = api.messages(IT_OPS).length;
    await harness.adapter.surface.post(
      itOps,
      card('Approver view', { visibleTo: { slackUserIds: [SAMIR] } }),
    );
    expect(api.messages(IT_OPS).length).toBe(before);
    expect(blockText(api.ephemerals(SAMIR).at(-1)?.blocks)).toContain('Approver view');
  });
});
