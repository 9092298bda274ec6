import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ConversationRef, MessageRef } from '../../commands/chat/types.js';
import { directoryUser, writeRequests } from '../support/engine.js';
import { cardText, openChat, requestIdOf, USERS, type ChatHarness } from '../support/chat.js';

/**
 * Confirmation and approval on the real engine: nothing changes before approval, second approvers, self
 * approval, double clicks, expiry and the bulk threshold.
 */

let chat: ChatHarness;
const EMAILS = Array.from({ length: 24 }, (_, index) => `approval.user${index}@contoso.com`);
/** Bound before the tests start. */
const BOUND = [
  'bound.one@contoso.com',
  'bound.two@contoso.com',
  'bound.three@contoso.com',
  'bound.four@contoso.com',
];
const TEST_ACTOR = { platform: 'test' as const, id: 'setup', displayName: 'Setup' };
/** The approvals channel of the settings; its reference (with the Teams service URL) is learnt when heard from. */
const APPROVALS: ConversationRef = {
  platform: 'teams',
  id: '19:approvals@thread.tacv2',
  kind: 'channel',
  extra: { serviceUrl: 'https://smba.example/teams/' },
};
const PERSONAL: ConversationRef = { platform: 'teams', id: 'a:operator-personal', kind: 'personal' };
let next = 0;
/** A directory user nobody has bound yet. */
const fresh = (): string => EMAILS[next++] ?? '';

beforeAll(async () => {
  chat = await openChat(import.meta.url, {
    chat: {
      approvals: {
        commands: { unbind: 'second-admin' },
        bulkThreshold: 3,
        bulkApprovers: 2,
        channel: { platform: 'teams', conversationId: APPROVALS.id },
      },
    },
  });
  for (const email of [...EMAILS, ...BOUND]) {
    await chat.engine.repositories.users.insert(directoryUser(email));
  }
  const report = await chat.engine.engine.bind(BOUND, { actor: TEST_ACTOR, welcome: false });
  if (report.totals.done !== BOUND.length) throw new Error('setup bind failed');
});
afterAll(async () => {
  await chat.close();
});

const bindingOf = async (email: string) => {
  const user = await chat.engine.repositories.users.findByEmail(email);
  return user === null ? null : chat.engine.repositories.bindings.get(user.id);
};

/** The sentence of the newest private reply (refusals, "already decided"). */
const lastEphemeral = (): string =>
  (chat.surface.ephemerals.at(-1)?.card.notes ?? []).map((note) => note.text).join(' ');

async function auditCount(requestId: string, action: string): Promise<number> {
  const events = await chat.engine.repositories.audit.query({ operationId: requestId, limit: 1000 });
  return events.filter((event) => event.action === action).length;
}

async function planned(user = USERS.operator, text: string): Promise<{ message: MessageRef; id: string }> {
  const sent = await chat.send(user, text);
  if (sent.message === undefined) throw new Error('nothing was posted');
  return { message: sent.message, id: requestIdOf(chat.card(sent.message)) };
}

describe('confirmation', () => {
  it('answers a mutating command with the plan and Confirm / Cancel, and changes nothing before it', async () => {
    const email = fresh();
    chat.engine.sandbox.inspection.reset();
    const { message, id } = await planned(USERS.operator, `bind ${email} --no-welcome`);
    const card = chat.card(message);
    expect(card.status).toBe('Waiting for approval');
    expect(card.buttons.map((button) => [button.id, button.label, button.data])).toEqual([
      ['approve', 'Confirm', { request: id }],
      ['cancel', 'Cancel', { request: id }],
    ]);
    expect(cardText(card)).toContain(`${email} | create the Microsoft 365 account, bind`);
    expect(writeRequests(chat.engine.sandbox)).toEqual([]);
    expect(await bindingOf(email)).toBeNull();
    expect((await chat.stores.requests.get(id))?.state).toBe('pending');
    expect(chat.jobs.expiries.get(id)).toBeDefined();
  });

  it('runs once the requester confirms, and audits every transition with who', async () => {
    const email = fresh();
    const { message, id } = await planned(USERS.operator, `bind ${email} --no-welcome`);
    await chat.click(USERS.operator, message, 'approve', { request: id });
    expect(chat.card(message).status).toBe('Done');
    expect((await bindingOf(email))?.state).toBe('bound');
    const events = await chat.engine.repositories.audit.query({ operationId: id, limit: 100 });
    const transitions = events.filter((event) => event.action.startsWith('chat.request.')).reverse();
    expect(transitions.map((event) => [event.action, event.actor.displayName])).toEqual([
      ['chat.request.requested', 'Operator'],
      ['chat.request.approved', 'Operator'],
      ['chat.request.executing', 'Operator'],
      ['chat.request.completed', 'Operator'],
    ]);
    expect(chat.jobs.expiries.has(id)).toBe(false);
  });

  it('lets only the requester confirm a self-confirm request', async () => {
    const { message, id } = await planned(USERS.operator, `block ${BOUND[0] ?? ''}`);
    await chat.click(USERS.approver, message, 'approve', { request: id });
    expect(lastEphemeral()).toBe('Only Operator, who asked, can confirm this request.');
    expect((await chat.stores.requests.get(id))?.state).toBe('pending');
  });

  it('cancels: nothing changes, the card says who cancelled, a late click is told so', async () => {
    const { message, id } = await planned(USERS.operator, `block ${BOUND[0] ?? ''}`);
    await chat.click(USERS.operator, message, 'cancel', { request: id });
    expect(chat.card(message).status).toBe('Cancelled');
    expect(cardText(chat.card(message))).toContain('Cancelled by Operator');
    expect((await bindingOf(BOUND[0] ?? ''))?.state).toBe('bound');
    await chat.click(USERS.operator, message, 'approve', { request: id });
    expect(lastEphemeral()).toMatch(/^This request was already cancelled by Operator/);
    expect(await auditCount(id, 'chat.request.cancelled')).toBe(1);
  });
});

describe('a second approver', () => {
  it('refuses the requester approving their own request, and runs on a second approver', async () => {
    const { message, id } = await planned(USERS.operator, `unbind ${BOUND[1] ?? ''}`);
    expect(cardText(chat.card(message))).toContain(
      'Nothing changes until an approver other than the requester approves',
    );
    await chat.click(USERS.operator, message, 'approve', { request: id });
    expect(lastEphemeral()).toBe("You can't approve your own request; another approver has to.");
    expect((await chat.stores.requests.get(id))?.state).toBe('pending');
    await chat.click(USERS.approver, message, 'approve', { request: id });
    expect(chat.card(message).status).toBe('Done');
    expect(await bindingOf(BOUND[1] ?? '')).toBeNull();
    const approved = await chat.stores.requests.get(id);
    expect(approved?.approvals.map((approval) => approval.displayName)).toEqual(['Approver']);
  });

  it('does not let an operator approve somebody else’s request', async () => {
    const { message, id } = await planned(USERS.approver, `unbind ${BOUND[2] ?? ''}`);
    await chat.click(USERS.operator, message, 'approve', { request: id });
    expect(lastEphemeral()).toBe('To approve unbind you need the approver role, and you are an operator.');
    expect((await chat.stores.requests.get(id))?.state).toBe('pending');
    expect((await bindingOf(BOUND[2] ?? ''))?.state).toBe('bound');
  });

  it('lets an approver approve their own request when the settings allow it', async () => {
    const own = await openChat(import.meta.url, {
      purpose: 'self',
      chat: { approvals: { commands: { block: 'second-admin' }, allowSelfApproval: true } },
    });
    try {
      await own.engine.repositories.users.insert(directoryUser('self.approved@contoso.com'));
      await own.engine.engine.bind(['self.approved@contoso.com'], { actor: TEST_ACTOR, welcome: false });
      const sent = await own.send(USERS.approver, 'block self.approved@contoso.com');
      const message = sent.message as MessageRef;
      await own.click(USERS.approver, message, 'approve', { request: requestIdOf(own.card(message)) });
      expect(own.card(sent.message).status).toBe('Done');
    } finally {
      await own.close();
    }
  });
});

describe('at most once', () => {
  it('executes a request once when Approve is clicked twice at the same moment (20 times)', async () => {
    const email = fresh();
    await chat.engine.engine.bind([email], { actor: TEST_ACTOR, welcome: false });
    for (let round = 0; round < 20; round += 1) {
      const verb = round % 2 === 0 ? 'block' : 'unblock';
      const { message, id } = await planned(USERS.operator, `${verb} ${email}`);
      const click = () =>
        chat.core.handleAction({
          user: USERS.operator,
          conversation: message.conversation,
          verb: 'approve',
          data: { request: id },
          message,
        });
      const replies = (await Promise.all([click(), click()])).flat();
      await chat.core.idle();
      const told = replies.filter((reply) => reply.visibility === 'private');
      expect(told.map((reply) => reply.card.notes[0]?.text)).toEqual([
        expect.stringMatching(/^This request was already approved by Operator/),
      ]);
      expect(await auditCount(id, 'chat.request.approved')).toBe(1);
      expect(await auditCount(id, 'chat.request.executing')).toBe(1);
      expect(await auditCount(id, verb)).toBe(1);
      expect((await chat.stores.requests.get(id))?.state).toBe('completed');
    }
    expect((await bindingOf(email))?.state).toBe('bound');
  }, 120_000);

  it('a replayed Approve after the run changes nothing', async () => {
    const email = fresh();
    const { message, id } = await planned(USERS.operator, `bind ${email} --no-welcome`);
    await chat.click(USERS.operator, message, 'approve', { request: id });
    chat.engine.sandbox.inspection.reset();
    await chat.click(USERS.operator, message, 'approve', { request: id });
    expect(lastEphemeral()).toMatch(/^This request was already decided by Operator and has run/);
    expect(writeRequests(chat.engine.sandbox)).toEqual([]);
  });
});

describe('expiry', () => {
  it('expires through the job: the card says so and nothing changed', async () => {
    const email = fresh();
    const { message, id } = await planned(USERS.operator, `bind ${email}`);
    await chat.core.expireRequest(id);
    await chat.core.idle();
    expect(chat.card(message).status).toBe('Expired');
    expect(chat.card(message).buttons).toEqual([]);
    expect(cardText(chat.card(message))).toContain('expired');
    expect(await bindingOf(email)).toBeNull();
    await chat.click(USERS.operator, message, 'approve', { request: id });
    expect(lastEphemeral()).toMatch(/^This request expired at .* and nothing was changed/);
  });

  it('treats a click after the expiry time as expired even before the job ran', async () => {
    const email = fresh();
    const { message, id } = await planned(USERS.operator, `bind ${email}`);
    chat.clock.advance(24 * 60 * 60 * 1000 + 1000);
    await chat.click(USERS.operator, message, 'approve', { request: id });
    expect(lastEphemeral()).toMatch(/^This request expired/);
    expect((await chat.stores.requests.get(id))?.state).toBe('expired');
    expect(chat.card(message).status).toBe('Expired');
    expect(await bindingOf(email)).toBeNull();
    expect(await auditCount(id, 'chat.request.expired')).toBe(1);
  });
});

describe('bulk', () => {
  it('needs two approvers above the threshold, each counted once', async () => {
    const emails = [fresh(), fresh(), fresh(), fresh()];
    const { message, id } = await planned(USERS.operator, `bind ${emails.join(', ')} --no-welcome`);
    expect(cardText(chat.card(message))).toContain(
      'Nothing changes until 2 approvers other than the requester approve (more than 3 users need 2 approvers)',
    );
    await chat.click(USERS.approver, message, 'approve', { request: id });
    expect(chat.card(message).status).toBe('Waiting for approval');
    expect(cardText(chat.card(message))).toContain('1 of 2 so far');
    await chat.click(USERS.approver, message, 'approve', { request: id });
    expect(lastEphemeral()).toBe('You already approved this request; it is waiting for 1 more approval.');
    expect(await bindingOf(emails[0] ?? '')).toBeNull();
    await chat.click(USERS.approver2, message, 'approve', { request: id });
    expect(chat.card(message).status).toBe('Done');
    for (const email of emails) expect((await bindingOf(email))?.state).toBe('bound');
  });
});

describe('the approvals channel', () => {
  it('posts a request that needs approvers there too, and keeps both cards up to date', async () => {
    await chat.send(USERS.approver, 'approvals', { conversation: APPROVALS });
    const sent = await chat.send(USERS.operator, `unbind ${BOUND[0] ?? ''}`, { conversation: PERSONAL });
    const mine = sent.message as MessageRef;
    const posted = chat.surface.posts.filter((post) => post.message.conversation.id === APPROVALS.id).at(-1);
    expect(posted?.message.conversation).toEqual(APPROVALS);
    const channelCard = posted?.message as MessageRef;
    const id = requestIdOf(chat.card(channelCard));
    expect(requestIdOf(chat.card(mine))).toBe(id);
    await chat.click(USERS.approver2, channelCard, 'approve', { request: id });
    expect(chat.card(channelCard).status).toBe('Done');
    expect(chat.card(mine).status).toBe('Done');
  });

  it('brings its post there up to date when the request is cancelled while the post is on its way', async () => {
    let reached: () => void = () => undefined;
    const postReached = new Promise<void>((resolve) => (reached = resolve));
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    chat.surface.holdPost = (conversation) => {
      if (conversation.id !== APPROVALS.id) return undefined;
      reached();
      return released;
    };
    try {
      const sending = chat.send(USERS.operator, `unbind ${BOUND[3] ?? ''}`, { conversation: PERSONAL });
      await Promise.race([
        postReached,
        sending.then(() => {
          throw new Error('the request was never posted in the approvals channel');
        }),
      ]);
      const mine = chat.surface.posts.filter((post) => post.message.conversation.id === PERSONAL.id).at(-1);
      const requestId = requestIdOf(chat.card(mine?.message));
      // The requester cancels while the approvals channel's post is still on its way.
      await chat.core.handleAction({
        user: USERS.operator,
        conversation: PERSONAL,
        verb: 'cancel',
        data: { request: requestId },
        ...(mine === undefined ? {} : { message: mine.message }),
      });
      release();
      await sending;
      await chat.core.idle();
      const posted = chat.surface.posts
        .filter((post) => post.message.conversation.id === APPROVALS.id)
        .at(-1);
      expect(posted?.card.status).toBe('Waiting for approval');
      expect(chat.card(posted?.message as MessageRef).status).toBe('Cancelled');
    } finally {
      chat.surface.holdPost = () => undefined;
      release();
    }
  });
});
