import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChatCore } from '../../commands/chat/ops.js';
import type { ChatOps } from '../../commands/chat/types.js';
import type { MessageUpdate, SlackMessage } from '../../sandbox/slack/api.js';
import { directoryUser } from '../support/engine.js';
import { startCoreSlackHarness, type CoreSlackHarness } from './core-setup.js';
import { IT_OPS, NORA, type SlackHarness } from './harness.js';

/**
 * An approval's click is answered after Slack's acknowledgement (the after-ack queue), while the run it
 * starts publishes its own cards to the same message. Through the real Bolt and the Slack stand-in: however
 * late the click's answer comes, the card ends on the run's final state, never on "Approved, starting".
 */

const QUICK = 'click.order.quick@contoso.com';
const LATE = 'click.order.late@contoso.com';

let setup: CoreSlackHarness;
let harness: SlackHarness;
/** While set, a click's replies wait until the run ended and its final card was sent to Slack. */
let holdReplies = false;

/** The core, except that a click's answer can be held back, as a busy after-ack queue would hold it. */
function holdingFront(core: ChatCore): ChatOps {
  return {
    handleCommand: (request) => core.handleCommand(request),
    async handleAction(request) {
      const replies = await core.handleAction(request);
      if (holdReplies) await core.idle();
      return replies;
    },
    bindMessage: (requestId, message) => core.bindMessage(requestId, message),
  };
}

beforeAll(async () => {
  setup = await startCoreSlackHarness(import.meta.url, {}, holdingFront);
  harness = setup.slack;
  for (const email of [QUICK, LATE]) await setup.engine.repositories.users.insert(directoryUser(email));
});
afterAll(() => setup.close());

async function planCard(email: string): Promise<SlackMessage> {
  const before = harness.api.messages(IT_OPS).length;
  const response = await harness.slack.slashCommand({
    text: `bind ${email} --no-welcome`,
    userId: NORA,
    channelId: IT_OPS,
  });
  expect(response.status).toBe(200);
  await setup.settle();
  const posted = harness.api.messages(IT_OPS).slice(before)[0];
  if (posted === undefined) throw new Error('no plan card was posted');
  return posted;
}

async function approve(plan: SlackMessage): Promise<void> {
  const blocks = (current(plan).blocks ?? []) as { elements?: { action_id: string; value: string }[] }[];
  const button = blocks.flatMap((block) => block.elements ?? []).find((e) => e.action_id === 'approve');
  if (button === undefined) throw new Error('the plan card has no approve button');
  const response = await harness.slack.blockAction({
    userId: NORA,
    channelId: IT_OPS,
    messageTs: plan.ts,
    actionId: button.action_id,
    value: button.value,
  });
  expect(response.status).toBe(200);
  await setup.settle();
}

function current(plan: SlackMessage): SlackMessage {
  const found = harness.api.messages(IT_OPS).find((message) => message.ts === plan.ts);
  if (found === undefined) throw new Error('the plan card is gone');
  return found;
}

const headline = (text: string) => text.split('\n')[0] ?? '';
const updatesOf = (plan: SlackMessage): MessageUpdate[] =>
  harness.api.updates(IT_OPS).filter((update) => update.ts === plan.ts);

describe('the clicked card and the run’s cards on one Slack message', () => {
  it('shows the approval at once and the run’s cards after it, ending Done', async () => {
    holdReplies = false;
    const plan = await planCard(QUICK);
    await approve(plan);
    const headlines = updatesOf(plan).map((update) => headline(update.text));
    expect(headlines).toContain('Bind 1 user — Approved, starting');
    expect(headlines.indexOf('Bind 1 user — Approved, starting')).toBeLessThan(
      headlines.indexOf('Bind 1 user — Done'),
    );
    expect(headlines.at(-1)).toBe('Bind 1 user — Done');
  });

  it('drops a click’s answer that comes after the run’s final card was published', async () => {
    holdReplies = true;
    const plan = await planCard(LATE);
    const before = updatesOf(plan).length;
    await approve(plan);
    const headlines = updatesOf(plan)
      .slice(before)
      .map((update) => headline(update.text));
    expect(headlines.at(-1)).toBe('Bind 1 user — Done');
    expect(headlines).not.toContain('Bind 1 user — Approved, starting');
    expect(headline(current(plan).text)).toBe('Bind 1 user — Done');
  });
});
