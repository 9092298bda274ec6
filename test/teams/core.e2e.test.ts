import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChatCore } from '../../commands/chat/ops.js';
import {
  APPROVER,
  FIRST_ADMIN,
  OTHER_USERS,
  type TeamsPerson,
} from '../../sandbox/teams/playground-users.js';
import { validateAdaptiveCard } from '../cards/support/adaptive-validator.js';
import { directoryUser, writeRequests, type EngineHarness } from '../support/engine.js';
import { startCoreTeamsHarness, type CoreTeamsHarness } from './core-setup.js';
import { cardOf, cardText, type TeamsHarness } from './harness.js';

/**
 * The Teams adapter on the real chat core and the real provisioning engine (dev database + sandbox tenant):
 * commands typed in Teams, cards clicked in Teams, through botbuilder and the loopback Bot Connector.
 */

const TEST_ACTOR = { platform: 'test' as const, id: 'setup', displayName: 'Setup' };
const STRANGER = OTHER_USERS[0] as TeamsPerson;
const EMAILS = ['teams.one@contoso.com', 'teams.two@contoso.com', 'teams.three@contoso.com'];
const RESET = 'teams.reset@contoso.com';
const UNBIND = 'teams.unbind@contoso.com';

let setup: CoreTeamsHarness;
let engine: EngineHarness;
let core: ChatCore;
let harness: TeamsHarness;

beforeAll(async () => {
  setup = await startCoreTeamsHarness(import.meta.url, {
    approvals: { commands: { unbind: 'second-admin' } },
  });
  ({ engine, core, teams: harness } = setup);
  for (const email of [...EMAILS, RESET, UNBIND])
    await engine.repositories.users.insert(directoryUser(email));
  await engine.engine.bind([RESET, UNBIND], { actor: TEST_ACTOR, welcome: false });
});
afterAll(() => setup.close());

/** The Execute action with this verb on a card, and the request id its data carries. */
function buttonOf(card: unknown, verb: string): { request: string } {
  const match = new RegExp(`"verb":"${verb}","data":\\{"request":"([^"]+)"`).exec(JSON.stringify(card));
  if (!match?.[1]) throw new Error(`the card has no ${verb} button`);
  return { request: match[1] };
}

async function inChannel(person: TeamsPerson, text: string) {
  const inbound = harness.connector.inbound.channelMessage(person, text);
  expect((await harness.deliver(inbound)).status).toBe(200);
  await core.idle();
  const teamId = harness.connector.options.team.id;
  const reply = harness.connector.sent(`${teamId};messageid=${inbound.id}`).at(-1);
  if (!reply) throw new Error(`no reply to "${text}" in the channel`);
  // The reply may have been a "planning…" card that the plan then replaced in place.
  const current = harness.connector.currentVersion(teamId, reply.id);
  return { teamId, messageId: reply.id, card: cardOf(current) };
}

async function click(
  person: TeamsPerson,
  at: { teamId: string; messageId: string },
  verb: string,
  data: object,
) {
  const invoke = harness.connector.inbound.cardAction(person, {
    conversationId: at.teamId,
    replyToId: at.messageId,
    verb,
    data: { ...data },
  });
  const answer = await harness.deliver(invoke);
  await core.idle();
  return answer;
}

const shownNow = (at: { teamId: string; messageId: string }) =>
  cardText(cardOf(harness.connector.currentVersion(at.teamId, at.messageId)));

describe('Teams adapter on the real chat core', () => {
  it('answers "help" in personal chat with the help card (Adaptive Card 1.5)', async () => {
    const inbound = harness.connector.inbound.personalMessage(FIRST_ADMIN, 'help');
    await harness.deliver(inbound);
    const reply = harness.connector.sent(inbound.conversation.id).at(-1);
    const card = cardOf(reply?.activity);
    expect(card?.version).toBe('1.5');
    expect(validateAdaptiveCard(card)).toEqual([]);
    expect(cardText(card)).toContain('password-reset');
  });

  it('refuses a user without a role, privately, and changes nothing', async () => {
    engine.sandbox.inspection.reset();
    const inbound = harness.connector.inbound.personalMessage(STRANGER, `bind ${EMAILS[0] ?? ''}`);
    await harness.deliver(inbound);
    await core.idle();
    const reply = harness.connector.sent(inbound.conversation.id).at(-1);
    expect(cardText(cardOf(reply?.activity))).toMatch(/role|not allowed|permission/i);
    expect(writeRequests(engine.sandbox)).toEqual([]);
  });

  it('plans a bind from a channel @mention, runs it once on a double click, and updates the card', async () => {
    engine.sandbox.inspection.reset();
    const plan = await inChannel(FIRST_ADMIN, `bind ${EMAILS[1] ?? ''} --no-welcome`);
    expect(validateAdaptiveCard(plan.card)).toEqual([]);
    const data = buttonOf(plan.card, 'approve');
    expect(writeRequests(engine.sandbox)).toEqual([]);

    const [first, second] = await Promise.all([
      click(FIRST_ADMIN, plan, 'approve', data),
      click(FIRST_ADMIN, plan, 'approve', data),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body).toMatchObject({ statusCode: 200 });

    const created = engine.sandbox.inspection.users().filter((user) => user.userPrincipalName === EMAILS[1]);
    expect(created).toHaveLength(1);
    expect(shownNow(plan)).toMatch(/done|completed|bound/i);
  });

  it('sends a reset password to the requester’s 1:1 chat only, never into the channel', async () => {
    const plan = await inChannel(FIRST_ADMIN, `password-reset ${RESET}`);
    await click(FIRST_ADMIN, plan, 'approve', buttonOf(plan.card, 'approve'));
    const password = engine.sandbox.inspection
      .users()
      .find((user) => user.userPrincipalName === RESET)?.password;
    expect(password).toBeTruthy();
    const channel = JSON.stringify([
      harness.connector.sent(plan.teamId),
      harness.connector.updates(plan.teamId),
    ]);
    expect(channel).not.toContain(password ?? 'x');
    const personal = harness.connector.personalConversation(FIRST_ADMIN).id;
    expect(JSON.stringify(harness.connector.sent(personal))).toContain(password ?? 'x');
  });

  it('needs a second admin for unbind: the requester’s click is refused to them alone, the approver’s runs', async () => {
    const plan = await inChannel(FIRST_ADMIN, `unbind ${UNBIND}`);
    const data = buttonOf(plan.card, 'approve');
    const sentBefore = harness.connector.sent().length;

    const own = await click(FIRST_ADMIN, plan, 'approve', data);
    expect(own.body).toMatchObject({ type: 'application/vnd.microsoft.activity.message' });
    expect(harness.connector.sent()).toHaveLength(sentBefore);

    const approved = await click(APPROVER, plan, 'approve', data);
    expect(approved.body).toMatchObject({ type: 'application/vnd.microsoft.card.adaptive' });
    const user = await engine.repositories.users.findByEmail(UNBIND);
    expect(user === null ? 'missing' : await engine.repositories.bindings.get(user.id)).toBeNull();
    expect(shownNow(plan)).toContain('Done');
  });
});
