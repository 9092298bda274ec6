/**
 * Bad button clicks in Slack, end to end: signed block_actions through the real Bolt endpoint to the real chat
 * core, engine, database and sandbox tenant. Values the bot did not write, clicks by people who may not,
 * replays, expired and already-decided requests, forged and stale signatures: each is refused (a sentence to
 * the clicker alone, or 401), the request stays as it was, and nothing runs twice.
 *
 * Covered elsewhere, not repeated here: a value that is not JSON (test/slack/actions.test.ts), a redelivered
 * event run once and forged / stale slash commands refused before the core (test/slack/requests.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SlackMessage } from '../../sandbox/slack/api.js';
import type { Signing } from '../../sandbox/slack/signed-requests.js';
import { directoryUser, type EngineHarness } from '../support/engine.js';
import { slackId, startCoreSlackHarness, type CoreSlackHarness } from '../slack/core-setup.js';
import { GRACE, IT_OPS, NORA, SAMIR, type SlackHarness } from '../slack/harness.js';
import { tenantWrites } from './state.js';

const TEST_ACTOR = { platform: 'test' as const, id: 'setup', displayName: 'Setup' };
const TOMAS = 'U0TOMASRZ';
const TARGETS = ['slackpay.one@contoso.com', 'slackpay.two@contoso.com', 'slackpay.three@contoso.com'];

let setup: CoreSlackHarness;
let engine: EngineHarness;
let harness: SlackHarness;

beforeAll(async () => {
  setup = await startCoreSlackHarness(import.meta.url, {
    approvals: { commands: { unbind: 'second-admin' } },
  });
  ({ engine, slack: harness } = setup);
  for (const email of TARGETS) await engine.repositories.users.insert(directoryUser(email));
  await engine.engine.bind(TARGETS, { actor: TEST_ACTOR, welcome: false });
  await setup.stores.roles.put({
    platform: 'slack',
    userId: slackId(TOMAS),
    displayName: 'Tomás Ruiz',
    role: 'operator',
    grantedBy: { platform: 'slack', id: slackId(NORA), displayName: 'Nora Lindqvist' },
    grantedAt: new Date(),
  });
}, 60_000);
afterAll(() => setup.close());

interface Posted {
  message: SlackMessage;
  requestId: string;
}

/** `/m365 text` in #it-ops; the plan message the bot posted, and the request id of its buttons. */
async function planned(text: string, userId = NORA): Promise<Posted> {
  const before = harness.api.messages(IT_OPS).length;
  expect((await harness.slack.slashCommand({ text, userId, channelId: IT_OPS })).status).toBe(200);
  await setup.settle();
  const posted = harness.api.messages(IT_OPS).slice(before)[0];
  if (posted === undefined) throw new Error(`no plan posted for "${text}"`);
  const current = harness.api.messages(IT_OPS).find((message) => message.ts === posted.ts) ?? posted;
  const requestId = /\\"request\\":\\"([^\\]+)\\"/.exec(JSON.stringify(current.blocks))?.[1];
  if (requestId === undefined) throw new Error(`the plan for "${text}" has no request button`);
  engine.sandbox.inspection.reset();
  return { message: current, requestId };
}

/** A click on the plan message as Slack sends it, with any action id and value (null: none at all). */
async function click(
  userId: string,
  at: Posted,
  actionId: string,
  value: string | null = JSON.stringify({ request: at.requestId }),
  signing: Signing = 'valid',
) {
  const ephemeralsBefore = harness.api.ephemerals(userId).length;
  const response = await harness.slack.blockAction(
    {
      userId,
      channelId: IT_OPS,
      messageTs: at.message.ts,
      actionId,
      ...(value === null ? {} : { value }),
    },
    signing,
  );
  await setup.settle();
  const told = harness.api
    .ephemerals(userId)
    .slice(ephemeralsBefore)
    .map((ephemeral) => JSON.stringify([ephemeral.text, ephemeral.blocks]))
    .join('\n');
  return { status: response.status, told };
}

async function stateOf(at: Posted) {
  const request = await setup.stores.requests.get(at.requestId);
  return { state: request?.state, approvals: request?.approvals.length };
}

describe('button values the bot did not write', () => {
  it.each<[string, string, string | null, RegExp]>([
    ['no value', 'approve', null, /does not name a request/],
    ['an empty object', 'approve', '{}', /does not name a request/],
    ['a number as request', 'approve', '{"request":42}', /not one this bot can read/],
    ['a list', 'approve', '["approve"]', /not one this bot can read/],
    ['a query operator as request', 'approve', '{"request":{"$ne":null}}', /not one this bot can read/],
    ['a request that does not exist', 'approve', '{"request":"no-such-request"}', /no longer exists/],
    ['a huge value', 'approve', JSON.stringify({ request: 'r'.repeat(5000) }), /no longer exists/],
    ['an action this bot has not', 'approve-everything', '{}', /no longer supported/],
  ])(
    'refuses %s to the clicker alone, and the request stays pending',
    async (_what, actionId, value, told) => {
      const at = await planned(`block ${TARGETS[0] ?? ''}`);
      const channelBefore = harness.api.messages(IT_OPS).length;
      const answer = await click(NORA, at, actionId, value);
      expect(answer.status).toBe(200);
      expect(answer.told).toMatch(told);
      expect(answer.told).not.toMatch(/undefined|\[object|Error:|\bat .*:\d+:\d+/);
      expect(harness.api.messages(IT_OPS)).toHaveLength(channelBefore);
      expect(await stateOf(at)).toEqual({ state: 'pending', approvals: 0 });
      expect(tenantWrites(engine.sandbox)).toEqual([]);
    },
  );

  it('acknowledges a payload without its action and runs nothing', async () => {
    const at = await planned(`block ${TARGETS[0] ?? ''}`);
    const payload = {
      type: 'block_actions',
      user: { id: NORA, name: 'nora.lindqvist' },
      team: { id: harness.api.options.team.id },
      channel: { id: IT_OPS },
      container: { type: 'message', message_ts: at.message.ts, channel_id: IT_OPS },
      actions: [],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    expect((await harness.slack.send(body, 'application/x-www-form-urlencoded')).status).toBeLessThan(500);
    await setup.settle();
    expect(await stateOf(at)).toEqual({ state: 'pending', approvals: 0 });
    expect(tenantWrites(engine.sandbox)).toEqual([]);
  });
});

describe('clicks by someone who may not', () => {
  it('lets nobody but the requester confirm a self-confirm request', async () => {
    const at = await planned(`block ${TARGETS[1] ?? ''}`);
    for (const userId of [GRACE, TOMAS, SAMIR]) {
      expect((await click(userId, at, 'approve')).told).toMatch(/who asked, can confirm this request/);
      expect((await click(userId, at, 'cancel')).told).toMatch(/who asked, or an approver can cancel/);
    }
    expect(await stateOf(at)).toEqual({ state: 'pending', approvals: 0 });
    expect(tenantWrites(engine.sandbox)).toEqual([]);
  });

  it('does not let an operator approve, nor the requester approve their own, a second-admin request', async () => {
    const at = await planned(`unbind ${TARGETS[2] ?? ''}`);
    expect((await click(TOMAS, at, 'approve')).told).toContain(
      'To approve unbind you need the approver role, and you are an operator.',
    );
    expect((await click(GRACE, at, 'approve')).told).toContain('You have no role in this bot');
    expect((await click(NORA, at, 'approve')).told).toContain("You can't approve your own request");
    expect(await stateOf(at)).toEqual({ state: 'pending', approvals: 0 });
    expect(tenantWrites(engine.sandbox)).toEqual([]);
  });
});

describe('forged, replayed, expired and already decided', () => {
  it('refuses a forged or stale signature on a real request with 401, and nothing moves', async () => {
    const at = await planned(`unbind ${TARGETS[2] ?? ''}`);
    for (const signing of ['forged', 'stale'] as const) {
      expect(
        (await click(SAMIR, at, 'approve', JSON.stringify({ request: at.requestId }), signing)).status,
      ).toBe(401);
    }
    expect(await stateOf(at)).toEqual({ state: 'pending', approvals: 0 });
    expect(tenantWrites(engine.sandbox)).toEqual([]);
  });

  it('runs an approved request once: replays by anyone, and a cancel after it, change nothing', async () => {
    const at = await planned(`unbind ${TARGETS[2] ?? ''}`);
    expect((await click(SAMIR, at, 'approve')).status).toBe(200);
    expect(await stateOf(at)).toMatchObject({ state: 'completed', approvals: 1 });
    const writes = tenantWrites(engine.sandbox);
    expect(writes.length).toBeGreaterThan(0);
    for (const userId of [SAMIR, SAMIR, NORA, TOMAS]) {
      expect((await click(userId, at, 'approve')).told).toMatch(
        /already decided by Samir Haddad and has run/,
      );
    }
    expect((await click(NORA, at, 'cancel')).told).toMatch(/already decided/);
    expect(tenantWrites(engine.sandbox)).toEqual(writes);
    expect(await stateOf(at)).toMatchObject({ state: 'completed', approvals: 1 });
  });

  it('refuses a click after the request expired (before the expiry job ran)', async () => {
    const at = await planned(`block ${TARGETS[0] ?? ''}`);
    await engine.database.db
      .collection('chatRequests')
      .updateOne({ _id: at.requestId as never }, { $set: { expiresAt: new Date(Date.now() - 60_000) } });
    expect((await click(NORA, at, 'approve')).told).toMatch(/expired .*nothing was changed/);
    expect(await stateOf(at)).toEqual({ state: 'expired', approvals: 0 });
    expect(tenantWrites(engine.sandbox)).toEqual([]);
  });

  it('refuses an approval of a cancelled request, however often it is sent', async () => {
    const at = await planned(`block ${TARGETS[0] ?? ''}`);
    await click(NORA, at, 'cancel');
    for (let replay = 0; replay < 3; replay += 1) {
      expect((await click(NORA, at, 'approve')).told).toMatch(/already cancelled by Nora Lindqvist/);
    }
    expect(await stateOf(at)).toEqual({ state: 'cancelled', approvals: 0 });
    expect(tenantWrites(engine.sandbox)).toEqual([]);
  });
});
