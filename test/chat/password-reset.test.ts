import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChatUser, MessageRef } from '../../commands/chat/types.js';
import { capturingLogger, directoryUser } from '../support/engine.js';
import { cardText, openChat, requestIdOf, USERS, type ChatHarness } from '../support/chat.js';

/**
 * password-reset: the new password reaches the admin who asked, privately and once, and nowhere else — no
 * card, update, ephemeral reply or file in any conversation, no audit record, no stored document, no log line.
 */

const TEST_ACTOR = { platform: 'test' as const, id: 'setup', displayName: 'Setup' };
const ALICE = 'alice.reset@contoso.com';
const BOB = 'bob.reset@contoso.com';
const engineLogger = capturingLogger();
let chat: ChatHarness;

beforeAll(async () => {
  chat = await openChat(import.meta.url, { logger: engineLogger });
  for (const email of [ALICE, BOB]) await chat.engine.repositories.users.insert(directoryUser(email));
  await chat.engine.engine.bind([ALICE, BOB], { actor: TEST_ACTOR, welcome: false });
});
afterAll(async () => {
  await chat.close();
});

async function reset(harness: ChatHarness, requester: ChatUser, approver: ChatUser, email: string) {
  const sent = await harness.send(requester, `password-reset ${email}`);
  const message = sent.message as MessageRef;
  const id = requestIdOf(harness.card(message));
  await harness.click(approver, message, 'approve', { request: id });
  return { message, id };
}

/** Every document of every collection of the test database, as text. */
async function everythingStored(harness: ChatHarness): Promise<string> {
  const { db } = harness.engine.database;
  const texts: string[] = [];
  for (const { name } of await db.listCollections().toArray()) {
    texts.push(JSON.stringify(await db.collection(name).find({}).toArray()));
  }
  return texts.join('\n');
}

function expectNowhereBut(harness: ChatHarness, password: string, stored: string) {
  expect(harness.surface.shownInConversations()).not.toContain(password);
  expect(stored).not.toContain(password);
  expect(harness.logger.lines.join('\n')).not.toContain(password);
  expect(engineLogger.lines.join('\n')).not.toContain(password);
}

describe('password-reset', () => {
  it('sends the new password privately to the requester, once, and only says so in the channel', async () => {
    const { message } = await reset(chat, USERS.operator, USERS.operator, ALICE);
    expect(chat.surface.privates).toHaveLength(1);
    const delivery = chat.surface.privates[0];
    expect(delivery?.user).toEqual(USERS.operator);
    const [email, password] = delivery?.card.tables[0]?.rows[0] ?? [];
    expect(email).toBe(ALICE);
    expect(password).toMatch(/^.{16}$/);
    const account = chat.engine.sandbox.inspection.users().find((user) => user.userPrincipalName === ALICE);
    expect(account?.password).toBe(password);
    expect(cardText(chat.card(message))).toContain(
      'The new password for 1 user was sent to the requester privately.',
    );
    const audit = JSON.stringify(await chat.engine.repositories.audit.query({ limit: 1000 }));
    expect(audit).not.toContain(password ?? 'x');
    expectNowhereBut(chat, password ?? 'x', await everythingStored(chat));
  });

  it('never shows it twice: a replayed click, a page or a refresh shows no password', async () => {
    const { message, id } = await reset(chat, USERS.operator, USERS.operator, BOB);
    const password = chat.surface.privates.at(-1)?.card.tables[0]?.rows[0]?.[1] ?? 'x';
    const privates = chat.surface.privates.length;
    await chat.click(USERS.operator, message, 'approve', { request: id });
    await chat.click(USERS.operator, message, 'refresh', { request: id });
    await chat.click(USERS.operator, message, 'page-next', { request: id, page: '2' });
    expect(chat.surface.privates).toHaveLength(privates);
    expectNowhereBut(chat, password, await everythingStored(chat));
  });

  it('says so when the private message cannot be delivered, and shows the password nowhere', async () => {
    chat.surface.failPrivate = true;
    try {
      const { message } = await reset(chat, USERS.operator, USERS.operator, ALICE);
      expect(cardText(chat.card(message))).toContain(
        'could not be delivered privately and is not shown here; reset it again to get a new one',
      );
      const account = chat.engine.sandbox.inspection.users().find((user) => user.userPrincipalName === ALICE);
      expectNowhereBut(chat, account?.password ?? 'x', await everythingStored(chat));
      expect(chat.logger.lines.join('\n')).toContain('a private message could not be sent');
    } finally {
      chat.surface.failPrivate = false;
    }
  });

  it('sends it to the requester, not to the second admin who approved', async () => {
    const fourEyes = await openChat(import.meta.url, {
      purpose: 'four_eyes',
      chat: { approvals: { commands: { 'password-reset': 'second-admin' } } },
    });
    try {
      await fourEyes.engine.repositories.users.insert(directoryUser('carol.reset@contoso.com'));
      await fourEyes.engine.engine.bind(['carol.reset@contoso.com'], { actor: TEST_ACTOR, welcome: false });
      await reset(fourEyes, USERS.operator, USERS.approver, 'carol.reset@contoso.com');
      expect(fourEyes.surface.privates.map((delivery) => delivery.user.id)).toEqual([USERS.operator.id]);
      const password = fourEyes.surface.privates[0]?.card.tables[0]?.rows[0]?.[1] ?? 'x';
      expectNowhereBut(fourEyes, password, await everythingStored(fourEyes));
    } finally {
      await fourEyes.close();
    }
  });
});
