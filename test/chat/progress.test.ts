import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { M365Gateway } from '../../commands/engine/ports.js';
import type { MessageRef } from '../../commands/chat/types.js';
import { directoryUser } from '../support/engine.js';
import { cardText, openChat, requestIdOf, USERS, type ChatHarness } from '../support/chat.js';

/**
 * A long run: progress on the card while it works, then the final card with every failure and its reason
 * (paged, the full list as CSV) and "Retry failed", which re-plans only the failed users.
 */

const KNOWN = Array.from({ length: 30 }, (_, index) => `progress.known${index}@contoso.com`);
const MISSING = Array.from({ length: 22 }, (_, index) => `progress.missing${index}@contoso.com`);

/** createUser waits while the gate is closed, so the test can look at the card mid-run. */
function gate() {
  let open: () => void = () => undefined;
  let opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    close: () => {
      opened = new Promise<void>((resolve) => {
        open = resolve;
      });
    },
    open: () => {
      open();
    },
    wrap: (gateway: M365Gateway): M365Gateway =>
      new Proxy(gateway, {
        get(target, property, receiver) {
          const value: unknown = Reflect.get(target, property, receiver);
          if (property !== 'createUser' || typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            await opened;
            return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          };
        },
      }),
  };
}

const createGate = gate();
let chat: ChatHarness;

beforeAll(async () => {
  createGate.open();
  chat = await openChat(import.meta.url, {
    chat: { approvals: { bulkThreshold: 1000 } },
    wrapGateway: createGate.wrap,
  });
  for (const email of KNOWN) await chat.engine.repositories.users.insert(directoryUser(email));
});
afterAll(async () => {
  createGate.open();
  await chat.close();
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

let message: MessageRef;
let requestId: string;

describe('a long run', () => {
  it('shows progress on the card while it works', async () => {
    const sent = await chat.send(USERS.operator, `bind ${[...KNOWN, ...MISSING].join(' ')} --no-welcome`);
    message = sent.message as MessageRef;
    requestId = requestIdOf(chat.card(message));
    expect(cardText(chat.card(message))).toContain('Will change: 30');
    expect(cardText(chat.card(message))).toContain('Will fail: 22');
    createGate.close();
    const replies = await chat.core.handleAction({
      user: USERS.operator,
      conversation: message.conversation,
      verb: 'approve',
      data: { request: requestId },
      message,
    });
    expect(replies[0]?.replaceOriginal).toBe(true);
    await chat.surface.update(message, replies[0]?.card ?? chat.card(message));
    await until(() => chat.surface.updatesOf(message).some((card) => card.progress !== undefined));
    const running = chat.surface.updatesOf(message).find((card) => card.progress !== undefined);
    expect(running?.status).toBe('Running');
    expect(running?.progress).toMatchObject({ total: 52 });
    expect(running?.progress?.label).toMatch(/^\d+ of 52 done/);
    expect(running?.buttons).toEqual([]);
    createGate.open();
    await chat.core.idle();
  });

  it('ends with every failure and its reason, paged, the full list as CSV, and Retry failed', () => {
    const final = chat.card(message);
    expect(final.status).toBe('Done, with failures');
    expect(final.facts).toEqual(
      expect.arrayContaining([
        { label: 'Done', value: '30' },
        { label: 'Failed', value: '22' },
      ]),
    );
    const failures = final.tables.find((table) => table.caption === 'Failed');
    expect(failures?.rows).toHaveLength(20);
    expect(failures?.rows[0]).toEqual([
      expect.stringMatching(/^progress\.missing\d+@contoso\.com$/),
      expect.stringMatching(/is not in the directory; import or create the user first\.$/),
    ]);
    expect(final.pagination).toEqual({ page: 1, pageCount: 2, data: { request: requestId } });
    expect(final.csv).toMatchObject({ rowCount: 22, reference: `${requestId}.result` });
    expect(final.buttons.map((button) => [button.id, button.label, button.data])).toEqual([
      ['retry-failed', 'Retry 22 failed users', { request: requestId }],
    ]);
    expect(chat.surface.updatesOf(message).at(-1)?.progress).toBeUndefined();
  });

  it('pages through the failures and sends the full list as a CSV file', async () => {
    await chat.click(USERS.viewer, message, 'page-next', { request: requestId, page: '2' });
    const second = chat.card(message);
    expect(second.pagination?.page).toBe(2);
    expect(second.tables.find((table) => table.caption === 'Failed')?.rows).toHaveLength(2);
    await chat.click(USERS.viewer, message, 'download-csv', { csv: `${requestId}.result` });
    const file = chat.surface.files.at(-1);
    expect(file?.filename).toBe('bind-52-users.csv');
    const lines = file?.content.trim().split('\r\n') ?? [];
    expect(lines[0]).toBe('User,Reason');
    expect(lines).toHaveLength(23);
    for (const email of MISSING) expect(file?.content).toContain(email);
  });

  it('retries only the failed users, planned afresh', async () => {
    for (const email of MISSING) await chat.engine.repositories.users.insert(directoryUser(email));
    const posts = chat.surface.posts.length;
    await chat.click(USERS.operator, message, 'retry-failed', { request: requestId });
    const retry = chat.surface.posts[posts]?.message as MessageRef;
    const plan = chat.card(retry);
    expect(plan.title).toBe('Bind 22 users');
    expect(plan.csv?.rowCount).toBe(22);
    const retryId = requestIdOf(plan);
    const stored = await chat.stores.requests.get(retryId);
    expect(stored?.retryOf).toBe(requestId);
    expect((stored?.args['emails'] as string[]).sort()).toEqual([...MISSING].sort());
    await chat.click(USERS.operator, retry, 'approve', { request: retryId });
    expect(chat.card(retry).status).toBe('Done');
    expect(chat.card(retry).facts).toContainEqual({ label: 'Done', value: '22' });
  });

  it('refuses Retry failed to someone without the command’s role', async () => {
    await chat.click(USERS.viewer, message, 'retry-failed', { request: requestId });
    expect(chat.surface.ephemerals.at(-1)?.card.notes[0]?.text).toBe(
      'To retry bind you need the operator role, and you are a viewer.',
    );
  });
});
