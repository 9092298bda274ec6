/**
 * Bad card clicks in Teams, end to end: Action.Execute invokes through the real botbuilder endpoint to the
 * real chat core, engine, database and sandbox tenant. Data with missing fields or wrong types, requests that
 * do not exist, clicks by people who may not, replays, expired and already-decided requests: each gets a
 * clear refusal, the request stays as it was, and nothing runs twice.
 *
 * Covered elsewhere, not repeated here: a redelivered invoke (same activity id) answered once
 * (test/teams/actions.test.ts), a double click at the same moment (test/teams/core.e2e.test.ts,
 * test/chat/approvals.test.ts), a click without a token refused with 401 (test/teams/auth.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChatCore } from '../../commands/chat/ops.js';
import type { Role } from '../../commands/chat/model.js';
import {
  APPROVER,
  FIRST_ADMIN,
  OTHER_USERS,
  type TeamsPerson,
} from '../../sandbox/teams/playground-users.js';
import { directoryUser, type EngineHarness } from '../support/engine.js';
import { startCoreTeamsHarness, teamsId, type CoreTeamsHarness } from '../teams/core-setup.js';
import { cardOf, cardText, type TeamsHarness } from '../teams/harness.js';
import { tenantWrites } from './state.js';

const TEST_ACTOR = { platform: 'test' as const, id: 'setup', displayName: 'Setup' };
const STRANGER = OTHER_USERS[0] as TeamsPerson;
const VIEWER = OTHER_USERS[1] as TeamsPerson;
const OPERATOR = OTHER_USERS[2] as TeamsPerson;
const TARGETS = [
  'pay.one@contoso.com',
  'pay.two@contoso.com',
  'pay.three@contoso.com',
  'pay.four@contoso.com',
];

let setup: CoreTeamsHarness;
let engine: EngineHarness;
let core: ChatCore;
let harness: TeamsHarness;

async function grant(person: TeamsPerson, role: Role): Promise<void> {
  await setup.stores.roles.put({
    platform: 'teams',
    userId: teamsId(person),
    displayName: person.name,
    role,
    grantedBy: { platform: 'teams', id: teamsId(FIRST_ADMIN), displayName: FIRST_ADMIN.name },
    grantedAt: new Date(),
  });
}

beforeAll(async () => {
  setup = await startCoreTeamsHarness(import.meta.url, {
    approvals: { commands: { unbind: 'second-admin' } },
  });
  ({ engine, core, teams: harness } = setup);
  for (const email of TARGETS) await engine.repositories.users.insert(directoryUser(email));
  await engine.engine.bind(TARGETS, { actor: TEST_ACTOR, welcome: false });
  await grant(VIEWER, 'viewer');
  await grant(OPERATOR, 'operator');
}, 60_000);
afterAll(() => setup.close());

interface Posted {
  teamId: string;
  messageId: string;
  requestId: string;
}

/** The admin asks in the team's channel; the plan card the bot posted, and its request id. */
async function planned(text: string, person = FIRST_ADMIN): Promise<Posted> {
  const inbound = harness.connector.inbound.channelMessage(person, text);
  expect((await harness.deliver(inbound)).status).toBe(200);
  await core.idle();
  const teamId = harness.connector.options.team.id;
  const reply = harness.connector.sent(`${teamId};messageid=${inbound.id}`).at(-1);
  if (!reply) throw new Error(`no reply to "${text}"`);
  const card = JSON.stringify(cardOf(harness.connector.currentVersion(teamId, reply.id)));
  const requestId = /"verb":"approve","data":\{"request":"([^"]+)"/.exec(card)?.[1];
  if (requestId === undefined) throw new Error(`the plan for "${text}" has no approve button: ${card}`);
  engine.sandbox.inspection.reset();
  return { teamId, messageId: reply.id, requestId };
}

/** An Action.Execute invoke as Teams sends it, with any action value (well-formed or not). */
async function invoke(person: TeamsPerson, at: Posted, action: Record<string, unknown>) {
  const activity = harness.connector.inbound.cardAction(person, {
    conversationId: at.teamId,
    replyToId: at.messageId,
    verb: 'approve',
  });
  const answer = await harness.deliver({ ...activity, value: { action, trigger: 'manual' } });
  await core.idle();
  return { status: answer.status, said: JSON.stringify(answer.body) };
}

const click = (person: TeamsPerson, at: Posted, verb: string, data: unknown = { request: at.requestId }) =>
  invoke(person, at, { type: 'Action.Execute', verb, data });

/** What the bot last sent the person in their 1:1 chat (where a private sentence beside a card goes). */
function lastPrivate(person: TeamsPerson): string {
  const personal = harness.connector.personalConversation(person).id;
  return cardText(cardOf(harness.connector.sent(personal).at(-1)?.activity));
}

async function stateOf(at: Posted) {
  const request = await setup.stores.requests.get(at.requestId);
  return { state: request?.state, approvals: request?.approvals.length };
}

describe('Action.Execute data the bot did not write', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['no data', { type: 'Action.Execute', verb: 'approve' }, /does not name a request/],
    [
      'data without the request',
      { type: 'Action.Execute', verb: 'approve', data: {} },
      /does not name a request/,
    ],
    [
      'a number as request',
      { type: 'Action.Execute', verb: 'approve', data: { request: 42 } },
      /does not name a request/,
    ],
    [
      'a list as request',
      { type: 'Action.Execute', verb: 'approve', data: { request: ['x'] } },
      /does not name a request/,
    ],
    [
      'a query operator as request',
      { type: 'Action.Execute', verb: 'approve', data: { request: { $ne: null } } },
      /does not name a request/,
    ],
    [
      'a string as data',
      { type: 'Action.Execute', verb: 'approve', data: 'approve all' },
      /does not name a request/,
    ],
    [
      'an empty request',
      { type: 'Action.Execute', verb: 'approve', data: { request: '' } },
      /does not name a request/,
    ],
    [
      'a request that does not exist',
      { type: 'Action.Execute', verb: 'approve', data: { request: 'no-such-request' } },
      /no longer exists/,
    ],
    [
      'a request id with a query in it',
      { type: 'Action.Execute', verb: 'approve', data: { request: '{"$gt":""}' } },
      /no longer exists/,
    ],
    [
      'a verb this bot has not',
      { type: 'Action.Execute', verb: 'approve-all', data: {} },
      /no longer supported/,
    ],
    ['no verb', { type: 'Action.Execute', data: {} }, /carried no action/],
    ['a number as verb', { type: 'Action.Execute', verb: 7, data: {} }, /carried no action/],
    ['a huge verb', { type: 'Action.Execute', verb: 'a'.repeat(10_000), data: {} }, /carried no action/],
  ])('refuses %s in one sentence, and the request stays pending', async (_what, action, sentence) => {
    const at = await planned(`block ${TARGETS[0] ?? ''}`);
    const answer = await invoke(FIRST_ADMIN, at, action);
    expect(answer.said).toMatch(sentence);
    expect(answer.said).not.toMatch(/undefined|\[object|Error:|\bat .*:\d+:\d+/);
    expect(await stateOf(at)).toEqual({ state: 'pending', approvals: 0 });
    expect(tenantWrites(engine.sandbox)).toEqual([]);
  });

  it('ignores extra data beside a real request id: the click is the requester’s confirm, once', async () => {
    const at = await planned(`block ${TARGETS[1] ?? ''}`);
    const answer = await click(FIRST_ADMIN, at, 'approve', {
      request: at.requestId,
      role: 'admin',
      approvals: '5',
      command: 'disconnect',
    });
    expect(answer.status).toBe(200);
    expect(await stateOf(at)).toMatchObject({ state: 'completed' });
    expect(tenantWrites(engine.sandbox).filter((write) => write.startsWith('PATCH'))).toHaveLength(1);
  });
});

describe('clicks by someone who may not', () => {
  it('lets only the requester confirm a self-confirm request: not a stranger, a viewer or an operator', async () => {
    const at = await planned(`block ${TARGETS[2] ?? ''}`);
    for (const person of [STRANGER, VIEWER, OPERATOR, APPROVER]) {
      const answer = await click(person, at, 'approve');
      expect({ who: person.name, said: answer.said }).toEqual({
        who: person.name,
        said: expect.stringContaining('who asked, can confirm this request') as unknown,
      });
      const cancel = await click(person, at, 'cancel');
      expect(cancel.said).toMatch(/who asked, or an approver can cancel/);
    }
    expect(await stateOf(at)).toEqual({ state: 'pending', approvals: 0 });
    expect(tenantWrites(engine.sandbox)).toEqual([]);
  });

  it('does not let an operator approve, nor the requester approve their own, a second-admin request', async () => {
    const at = await planned(`unbind ${TARGETS[3] ?? ''}`);
    expect((await click(OPERATOR, at, 'approve')).said).toContain(
      'To approve unbind you need the approver role, and you are an operator.',
    );
    expect((await click(VIEWER, at, 'approve')).said).toContain(
      'you need the approver role, and you are a viewer',
    );
    expect((await click(STRANGER, at, 'approve')).said).toContain('You have no role in this bot');
    expect((await click(FIRST_ADMIN, at, 'approve')).said).toContain("You can't approve your own request");
    expect(await stateOf(at)).toEqual({ state: 'pending', approvals: 0 });
    expect(tenantWrites(engine.sandbox)).toEqual([]);
  });
});

describe('replayed, expired and already decided', () => {
  it('runs an approved request once: replays of the approval, and a cancel after it, change nothing', async () => {
    const at = await planned(`unbind ${TARGETS[3] ?? ''}`);
    expect((await click(APPROVER, at, 'approve')).status).toBe(200);
    expect(await stateOf(at)).toMatchObject({ state: 'completed', approvals: 1 });
    const writes = tenantWrites(engine.sandbox);
    expect(writes.length).toBeGreaterThan(0);

    // A late click is answered with the card as it stands now, and the sentence to the clicker alone.
    for (const person of [APPROVER, APPROVER, FIRST_ADMIN, OPERATOR]) {
      const replay = await click(person, at, 'approve');
      expect(replay.said).toContain('"fallbackText":"Unbind 1 user (Done)"');
      expect(lastPrivate(person)).toMatch(/already decided by Samir Haddad and has run/);
    }
    expect((await click(FIRST_ADMIN, at, 'cancel')).said).toContain('(Done)');
    expect(lastPrivate(FIRST_ADMIN)).toMatch(/already decided/);
    expect(tenantWrites(engine.sandbox)).toEqual(writes);
    expect(await stateOf(at)).toMatchObject({ state: 'completed', approvals: 1 });
  });

  it('refuses a click after the request expired (before the expiry job ran), and runs nothing', async () => {
    const at = await planned(`block ${TARGETS[0] ?? ''}`);
    await engine.database.db
      .collection('chatRequests')
      .updateOne({ _id: at.requestId as never }, { $set: { expiresAt: new Date(Date.now() - 60_000) } });
    const answer = await click(FIRST_ADMIN, at, 'approve');
    expect(answer.said).toMatch(/expired .*nothing was changed/);
    expect(await stateOf(at)).toEqual({ state: 'expired', approvals: 0 });
    expect((await click(FIRST_ADMIN, at, 'approve')).said).toMatch(/expired/);
    expect(tenantWrites(engine.sandbox)).toEqual([]);
  });

  it('refuses an approval of a cancelled request, however often it is sent', async () => {
    const at = await planned(`block ${TARGETS[0] ?? ''}`);
    expect((await click(FIRST_ADMIN, at, 'cancel')).status).toBe(200);
    for (let replay = 0; replay < 3; replay += 1) {
      expect((await click(FIRST_ADMIN, at, 'approve')).said).toContain('(Cancelled)');
      expect(lastPrivate(FIRST_ADMIN)).toMatch(/already cancelled by Nora Lindqvist/);
    }
    expect(await stateOf(at)).toEqual({ state: 'cancelled', approvals: 0 });
    expect(tenantWrites(engine.sandbox)).toEqual([]);
  });
});

describe('what a refusal looks like', () => {
  it('answers a refused click under the card for the clicker alone, posting nothing in the channel', async () => {
    const at = await planned(`block ${TARGETS[0] ?? ''}`);
    const sentBefore = harness.connector.sent().length;
    const answer = await click(STRANGER, at, 'approve');
    expect(JSON.parse(answer.said)).toMatchObject({ type: 'application/vnd.microsoft.activity.message' });
    expect(harness.connector.sent()).toHaveLength(sentBefore);
    expect(cardText(cardOf(harness.connector.currentVersion(at.teamId, at.messageId)))).toMatch(/Confirm/);
  });
});
