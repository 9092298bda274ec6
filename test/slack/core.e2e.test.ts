import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { escapeMrkdwn } from '../../cards/blockkit-elements.js';
import type { SlackMessage } from '../../sandbox/slack/api.js';
import { directoryUser, writeRequests, type EngineHarness } from '../support/engine.js';
import { startCoreSlackHarness, type CoreSlackHarness } from './core-setup.js';
import { blockText, GRACE, IT_OPS, NORA, SAMIR, type SlackHarness } from './harness.js';

/**
 * The Slack adapter on the real chat core and the real provisioning engine: /m365 typed in Slack, buttons
 * clicked in Slack, through the real Bolt and the loopback Slack Web API (whose strict checks validate every
 * Block Kit message the bot sends).
 */

const TEST_ACTOR = { platform: 'test' as const, id: 'setup', displayName: 'Setup' };
const EMAILS = ['slack.one@contoso.com', 'slack.two@contoso.com'];
const RESET = 'slack.reset@contoso.com';
const UNBIND = 'slack.unbind@contoso.com';

let setup: CoreSlackHarness;
let engine: EngineHarness;
let harness: SlackHarness;

beforeAll(async () => {
  setup = await startCoreSlackHarness(import.meta.url, {
    approvals: { commands: { unbind: 'second-admin' } },
  });
  ({ engine, slack: harness } = setup);
  for (const email of [...EMAILS, RESET, UNBIND])
    await engine.repositories.users.insert(directoryUser(email));
  await engine.engine.bind([RESET, UNBIND], { actor: TEST_ACTOR, welcome: false });
});
afterAll(() => setup.close());

/** Types `/m365 text` in a channel and returns the message the bot posted there (as it reads now). */
async function command(userId: string, text: string, channelId = IT_OPS): Promise<SlackMessage | undefined> {
  const before = harness.api.messages(channelId).length;
  const response = await harness.slack.slashCommand({ text, userId, channelId });
  expect(response.status).toBe(200);
  await setup.settle();
  return harness.api.messages(channelId).slice(before)[0];
}

/** The current version of a posted message. */
const current = (message: SlackMessage | undefined) =>
  harness.api.messages(message?.channel).find((candidate) => candidate.ts === message?.ts);

/** Every string inside a value (message texts and block texts), one per line. */
function textsOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textsOf).join('\n');
  if (typeof value === 'object' && value !== null) return Object.values(value).map(textsOf).join('\n');
  return '';
}

/** The button with this action_id on a message, as Slack would send it back. */
function button(message: SlackMessage | undefined, actionId: string): { actionId: string; value: string } {
  const blocks = (current(message)?.blocks ?? []) as {
    type: string;
    elements?: { action_id: string; value: string }[];
  }[];
  const found = blocks
    .flatMap((block) => block.elements ?? [])
    .find((element) => element.action_id === actionId);
  if (found === undefined) throw new Error(`the message has no ${actionId} button`);
  return { actionId: found.action_id, value: found.value };
}

async function click(userId: string, message: SlackMessage | undefined, actionId: string) {
  const { value } = button(message, actionId);
  const response = await harness.slack.blockAction({
    userId,
    channelId: message?.channel ?? '',
    messageTs: message?.ts ?? '',
    actionId,
    value,
  });
  expect(response.status).toBe(200);
}

describe('Slack adapter on the real chat core', () => {
  it('answers /m365 help with the help card in the channel', async () => {
    const reply = await command(NORA, 'help');
    expect(blockText(reply?.blocks)).toContain('password-reset');
  });

  it('answers a direct message in the direct message', async () => {
    const dm = harness.api.openDirectMessage(NORA);
    const before = harness.api.messages(dm).length;
    await harness.slack.directMessage({ userId: NORA, text: 'help status' });
    await setup.settle();
    expect(blockText(harness.api.messages(dm).slice(before)[0]?.blocks)).toContain('status');
  });

  it('refuses someone without a role, to them alone, and changes nothing', async () => {
    engine.sandbox.inspection.reset();
    const reply = await command(GRACE, `bind ${EMAILS[0] ?? ''}`);
    expect(reply).toBeUndefined();
    expect(blockText(harness.api.ephemerals(GRACE).at(-1)?.blocks)).toMatch(/role|not allowed|permission/i);
    expect(writeRequests(engine.sandbox)).toEqual([]);
  });

  it('suggests the closest command for a typo, privately', async () => {
    const reply = await command(NORA, 'blok someone@contoso.com');
    expect(reply).toBeUndefined();
    expect(blockText(harness.api.ephemerals(NORA).at(-1)?.blocks)).toContain('Did you mean');
  });

  it('plans a bind, runs it once on a double click, and updates the card in place', async () => {
    engine.sandbox.inspection.reset();
    const plan = await command(NORA, `bind ${EMAILS[1] ?? ''} --no-welcome`);
    expect(harness.api.updates(IT_OPS).some((update) => update.ts === plan?.ts)).toBe(true);
    expect(writeRequests(engine.sandbox)).toEqual([]);

    await Promise.all([click(NORA, plan, 'approve'), click(NORA, plan, 'approve')]);
    await setup.settle();

    const created = engine.sandbox.inspection.users().filter((user) => user.userPrincipalName === EMAILS[1]);
    expect(created).toHaveLength(1);
    expect(current(plan)?.text).toMatch(/done|completed|bound/i);
    const updates = harness.api.updates(IT_OPS).filter((update) => update.ts === plan?.ts);
    expect(updates.every((update) => update.via === 'chat.update')).toBe(true);
  });

  it('shows a reset password only to the admin who asked, never in the channel', async () => {
    const plan = await command(NORA, `password-reset ${RESET}`);
    await click(NORA, plan, 'approve');
    await setup.settle();
    const password = engine.sandbox.inspection
      .users()
      .find((user) => user.userPrincipalName === RESET)?.password;
    if (!password) throw new Error('the sandbox did not record the new password');
    // Block Kit mrkdwn shows "&", "<" and ">" escaped as entities, so the card carries the escaped form.
    const shown = [password, escapeMrkdwn(password)];
    const channel = textsOf([harness.api.messages(IT_OPS), harness.api.updates(IT_OPS)]);
    for (const form of shown) expect(channel).not.toContain(form);
    const toNora = harness.api
      .ephemerals(NORA)
      .filter((ephemeral) => textsOf(ephemeral).includes(shown[1] ?? ''));
    expect(toNora).toHaveLength(1);
    const toOthers = textsOf(harness.api.ephemerals().filter((ephemeral) => ephemeral.user !== NORA));
    for (const form of shown) expect(toOthers).not.toContain(form);
  });

  it('needs a second admin for unbind: the requester’s click is refused to them alone, the approver’s runs', async () => {
    const plan = await command(NORA, `unbind ${UNBIND}`);
    const ephemeralsBefore = harness.api.ephemerals(NORA).length;
    const user = await engine.repositories.users.findByEmail(UNBIND);

    await click(NORA, plan, 'approve');
    await setup.settle();
    expect(harness.api.ephemerals(NORA).length).toBe(ephemeralsBefore + 1);
    expect(user === null ? 'missing' : await engine.repositories.bindings.get(user.id)).not.toBeNull();

    await click(SAMIR, plan, 'approve');
    await setup.settle();
    expect(user === null ? 'missing' : await engine.repositories.bindings.get(user.id)).toBeNull();
    expect(current(plan)?.text).toContain('Done');
  });
});
