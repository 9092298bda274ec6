import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChatOpsDeps } from '../../commands/chat/ops.js';
import { CHANNEL, openChat, USERS, type ChatHarness } from '../support/chat.js';

/**
 * The chat core asks the database health check while a request waits: a database that stops answering
 * without closing its connections gets the admin "temporarily unavailable" at once, not a silent wait.
 */
let chat: ChatHarness;

beforeAll(async () => {
  chat = await openChat(import.meta.url);
}, 60_000);
afterAll(async () => {
  await chat.close();
});

/** `target`, except that every method, at any depth, waits forever (a frozen database). */
function frozen<T extends object>(target: T): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value === 'function') return () => new Promise(() => undefined);
      return typeof value === 'object' && value !== null ? frozen(value) : value;
    },
  });
}

const frozenDirectory = (): ChatOpsDeps['directory'] => frozen(chat.engine.repositories);

const titleOf = (replies: Awaited<ReturnType<ChatHarness['core']['handleCommand']>>): string | undefined =>
  replies[0]?.card.title;

describe('chat while the database does not answer', () => {
  it('answers "temporarily unavailable" at once while the health check says the database is gone', async () => {
    const core = chat.newCore({ databaseAvailable: () => false });
    const replies = await core.handleCommand({ user: USERS.admin, conversation: CHANNEL, text: 'help' });
    expect(titleOf(replies)).toBe('Temporarily unavailable');
    expect(replies[0]?.visibility).toBe('private');
  });

  it('tells an admin whose command waits on a frozen database, once the health check notices', async () => {
    let available = true;
    const core = chat.newCore({ databaseAvailable: () => available, directory: frozenDirectory() });
    const answer = core.handleCommand({
      user: USERS.admin,
      conversation: CHANNEL,
      text: 'status someone@contoso.com',
    });
    available = false;
    expect(titleOf(await answer)).toBe('Temporarily unavailable');
  });

  it('leaves commands alone while the database answers', async () => {
    const core = chat.newCore({ databaseAvailable: () => true });
    const replies = await core.handleCommand({ user: USERS.admin, conversation: CHANNEL, text: 'help' });
    expect(titleOf(replies)).not.toBe('Temporarily unavailable');
  });
});
