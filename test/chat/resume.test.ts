import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DatabaseUnavailableError } from '../../commands/errors.js';
import type { ChatStores } from '../../commands/chat/ports.js';
import type { M365Gateway } from '../../commands/engine/ports.js';
import type { MessageRef } from '../../commands/chat/types.js';
import { FRESH_APPROVAL_GRACE_MS } from '../../commands/chat/execution/runner.js';
import { createRequests, directoryUser } from '../support/engine.js';
import { cardText, openChat, requestIdOf, USERS, type ChatHarness } from '../support/chat.js';

/**
 * Crashes and outages: a run cut off mid-way resumes at start-up under the same operation id without
 * repeating finished work; a database outage is answered with "temporarily unavailable, nothing changed".
 */

/** The first `free` createUser calls pass; later ones wait until open() (the process "dies" meanwhile). */
function holdCreatesAfter(free: number) {
  let calls = 0;
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const wrap = (gateway: M365Gateway): M365Gateway =>
    new Proxy(gateway, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property !== 'createUser' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          calls += 1;
          if (calls > free) await opened;
          return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      },
    });
  return {
    wrap,
    open: () => {
      open();
    },
    calls: () => calls,
  };
}

const EMAILS = Array.from({ length: 6 }, (_, index) => `resume.user${index}@contoso.com`);
const hold = holdCreatesAfter(2);
let chat: ChatHarness;

beforeAll(async () => {
  chat = await openChat(import.meta.url, { wrapGateway: hold.wrap, settings: { bulkConcurrency: 6 } });
  for (const email of [...EMAILS, 'approved.only@contoso.com']) {
    await chat.engine.repositories.users.insert(directoryUser(email));
  }
});
afterAll(async () => {
  hold.open();
  await chat.close();
});

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('resume after a crash', () => {
  it('continues an interrupted run under the same operation id, creating no account twice', async () => {
    const sent = await chat.send(USERS.operator, `bind ${EMAILS.join(' ')} --no-welcome`);
    const message = sent.message as MessageRef;
    const id = requestIdOf(chat.card(message));
    await chat.core.handleAction({
      user: USERS.operator,
      conversation: message.conversation,
      verb: 'approve',
      data: { request: id },
      message,
    });
    await until(() => hold.calls() === EMAILS.length);
    const stopping = chat.core.stop();
    hold.open();
    await stopping;
    const cut = await chat.stores.requests.get(id);
    expect(cut?.state).toBe('executing');
    expect(cardText(chat.card(message))).toContain('The run was interrupted');

    const restarted = chat.newCore();
    expect(await restarted.resumeInterrupted()).toBe(1);
    await restarted.idle();
    const done = await chat.stores.requests.get(id);
    expect(done?.state).toBe('completed');
    expect(done?.attempts).toBe(2);
    expect(done?.outcome?.totals).toMatchObject({ total: 6, failed: 0 });
    expect(chat.card(message).status).toBe('Done');
    const upns = createRequests(chat.engine.sandbox).filter((request) => request.status === 201);
    expect(upns).toHaveLength(EMAILS.length);
    for (const email of EMAILS) {
      const user = await chat.engine.repositories.users.findByEmail(email);
      expect((await chat.engine.repositories.bindings.get(user?.id ?? ''))?.state).toBe('bound');
    }
  });

  it('runs a request a crash left approved but not started', async () => {
    const core = chat.newCore();
    const replies = await core.handleCommand({
      user: USERS.operator,
      conversation: { platform: 'teams', id: '19:ops@thread.tacv2', kind: 'channel' },
      text: 'bind approved.only@contoso.com --no-welcome',
    });
    const id = replies[0]?.tracking?.requestId ?? '';
    await core.idle();
    await chat.stores.requests.transition(id, { states: ['pending'] }, { state: 'approved' });
    expect(await chat.newCore().resumeInterrupted()).toBe(1);
    await until(async () => (await chat.stores.requests.get(id))?.state === 'completed');
  });

  it('leaves a request approved moments ago to the replica that approved it, and runs it once that is overdue', async () => {
    const core = chat.newCore();
    const replies = await core.handleCommand({
      user: USERS.operator,
      conversation: { platform: 'teams', id: '19:ops@thread.tacv2', kind: 'channel' },
      text: `block ${EMAILS[1] ?? ''}`,
    });
    const id = replies[0]?.tracking?.requestId ?? '';
    await core.idle();
    await chat.stores.requests.transition(
      id,
      { states: ['pending'] },
      { state: 'approved', decidedAt: chat.clock.now() },
    );
    expect(await chat.newCore().resumeInterrupted()).toBe(0);
    chat.clock.advance(FRESH_APPROVAL_GRACE_MS + 1_000);
    const later = chat.newCore();
    expect(await later.resumeInterrupted()).toBe(1);
    await later.idle();
    expect((await chat.stores.requests.get(id))?.state).toBe('completed');
  });

  it('leaves a run alone while its lease is alive (another replica is working on it)', async () => {
    const core = chat.newCore();
    const replies = await core.handleCommand({
      user: USERS.operator,
      conversation: { platform: 'teams', id: '19:ops@thread.tacv2', kind: 'channel' },
      text: `block ${EMAILS[0] ?? ''}`,
    });
    const id = replies[0]?.tracking?.requestId ?? '';
    await core.idle();
    await chat.stores.requests.transition(
      id,
      { states: ['pending'] },
      { state: 'executing', leaseUntil: new Date(chat.clock.now().getTime() + 60_000), attempts: 1 },
    );
    expect(await chat.newCore().resumeInterrupted()).toBe(0);
    chat.clock.advance(61_000);
    const later = chat.newCore();
    expect(await later.resumeInterrupted()).toBe(1);
    await later.idle();
    expect((await chat.stores.requests.get(id))?.state).toBe('completed');
  });
});

describe('database outage', () => {
  function broken(stores: ChatStores): ChatStores {
    const fail = () => Promise.reject(new DatabaseUnavailableError('127.0.0.1:27017'));
    return {
      ...stores,
      roles: { ...stores.roles, get: fail },
      requests: { ...stores.requests, get: fail, create: fail },
    };
  }

  it('answers a command with "temporarily unavailable, nothing was changed"', async () => {
    const core = chat.newCore({ stores: broken(chat.stores) });
    const replies = await core.handleCommand({
      user: USERS.operator,
      conversation: { platform: 'teams', id: '19:ops@thread.tacv2', kind: 'channel' },
      text: `block ${EMAILS[1] ?? ''}`,
    });
    expect(replies).toHaveLength(1);
    expect(replies[0]?.visibility).toBe('private');
    expect(replies[0]?.card.notes[0]?.text).toBe(
      "The bot's database is temporarily unavailable, so nothing was changed; try again in a moment.",
    );
  });

  it('answers a click the same way', async () => {
    const core = chat.newCore({ stores: broken(chat.stores) });
    const replies = await core.handleAction({
      user: USERS.operator,
      conversation: { platform: 'teams', id: '19:ops@thread.tacv2', kind: 'channel' },
      verb: 'approve',
      data: { request: 'any' },
    });
    expect(replies[0]?.card.title).toBe('Temporarily unavailable');
  });
});
