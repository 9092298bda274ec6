import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MessageRef } from '../../commands/chat/types.js';
import { directoryUser, writeRequests } from '../support/engine.js';
import { cardText, openChat, requestIdOf, teamsUser, USERS, type ChatHarness } from '../support/chat.js';

/** Roles: who may run, request and approve what; admins managed in chat; disconnect's second admin. */

let chat: ChatHarness;
const TEST_ACTOR = { platform: 'test' as const, id: 'setup', displayName: 'Setup' };

beforeAll(async () => {
  chat = await openChat(import.meta.url);
  await chat.engine.repositories.users.insert(directoryUser('rbac.target@contoso.com'));
  await chat.engine.engine.bind(['rbac.target@contoso.com'], { actor: TEST_ACTOR, welcome: false });
});
afterAll(async () => {
  await chat.close();
});

const lastEphemeral = (): string =>
  (chat.surface.ephemerals.at(-1)?.card.notes ?? []).map((note) => note.text).join(' ');

async function confirm(user = USERS.admin, text: string): Promise<MessageRef> {
  const sent = await chat.send(user, text);
  const message = sent.message as MessageRef;
  await chat.click(user, message, 'approve', { request: requestIdOf(chat.card(message)) });
  return message;
}

describe('refusals', () => {
  it('refuses an operator command to a viewer in one sentence, and nothing runs', async () => {
    chat.engine.sandbox.inspection.reset();
    const before = chat.surface.posts.length;
    const sent = await chat.send(USERS.viewer, 'block rbac.target@contoso.com');
    expect(sent.replies).toHaveLength(1);
    expect(sent.replies[0]?.visibility).toBe('private');
    expect(lastEphemeral()).toBe('To run block you need the operator role, and you are a viewer.');
    expect(chat.surface.posts.length).toBe(before);
    expect(writeRequests(chat.engine.sandbox)).toEqual([]);
    expect(chat.engine.sandbox.inspection.requests()).toEqual([]);
  });

  it('refuses someone without any role, and says how to get one', async () => {
    await chat.send(USERS.stranger, 'status');
    expect(lastEphemeral()).toBe(
      'You have no role in this bot, so you can\'t run status; ask an admin to grant you one with "admins grant".',
    );
  });

  it('still shows help to someone without a role', async () => {
    const sent = await chat.send(USERS.stranger, 'help');
    expect(sent.replies[0]?.visibility).toBe('conversation');
    expect(chat.card(sent.message).subtitle).toContain('Your role: none yet');
  });

  it('lets a viewer run read-only commands at once', async () => {
    const sent = await chat.send(USERS.viewer, 'status rbac.target@contoso.com');
    expect(cardText(chat.card(sent.message))).toContain(
      'rbac.target@contoso.com | Rbac Target (created) | bound',
    );
  });

  it('keeps admin commands from operators and approvers', async () => {
    await chat.send(USERS.approver, 'digest subscribe');
    expect(lastEphemeral()).toBe('To run digest subscribe you need the admin role, and you are an approver.');
    await chat.send(USERS.operator, 'admins grant tenant-1:aad-x viewer');
    expect(lastEphemeral()).toBe('To run admins grant you need the admin role, and you are an operator.');
  });
});

describe('admins', () => {
  it('grants a role to a mentioned person, who can then use it', async () => {
    const newcomer = { ...teamsUser('newcomer'), displayName: 'New Comer' };
    const sent = await chat.send(USERS.admin, 'admins grant <at>New Comer</at> operator', {
      mentions: [newcomer],
    });
    await chat.click(USERS.admin, sent.message as MessageRef, 'approve', {
      request: requestIdOf(chat.card(sent.message)),
    });
    expect(chat.card(sent.message).status).toBe('Done');
    expect((await chat.stores.roles.get('teams', newcomer.id))?.role).toBe('operator');
    const plan = await chat.send(newcomer, 'block rbac.target@contoso.com');
    expect(chat.card(plan.message).status).toBe('Waiting for approval');
  });

  it('lists the roles, the configured admin first', async () => {
    const sent = await chat.send(USERS.viewer, 'admins list');
    const rows = chat.card(sent.message).tables[0]?.rows ?? [];
    expect(rows[0]).toEqual([USERS.admin.id, 'teams', 'admin', 'configuration']);
    expect(rows.map((row) => row[0])).toEqual(expect.arrayContaining(['Operator', 'Viewer', 'New Comer']));
  });

  it('revokes a role; the person is then refused', async () => {
    await confirm(USERS.admin, `admins revoke ${USERS.viewer.id}`);
    expect(await chat.stores.roles.get('teams', USERS.viewer.id)).toBeNull();
    await chat.send(USERS.viewer, 'status');
    expect(lastEphemeral()).toMatch(/^You have no role in this bot/);
  });

  it('never revokes the configured admin, nor the last admin', async () => {
    await chat.send(USERS.admin2, `admins revoke ${USERS.admin.id}`);
    const refused = cardText(chat.card(chat.surface.posts.at(-1)?.message));
    expect(refused).toContain('Role now: admin');
    expect(refused).toContain(
      `${USERS.admin.id} is an admin by configuration; change the configuration instead.`,
    );
    const lonely = await openChat(import.meta.url, { purpose: 'lonely', chat: { firstAdmins: [] } });
    try {
      await lonely.stores.roles.put({
        platform: 'teams',
        userId: USERS.admin2.id,
        displayName: 'Admin2',
        role: 'admin',
        grantedBy: { platform: 'teams', id: 'x', displayName: 'X' },
        grantedAt: new Date(),
      });
      const sent = await lonely.send(USERS.admin2, `admins revoke ${USERS.admin2.id}`);
      expect(lonely.card(sent.message).buttons).toEqual([]);
      expect(cardText(lonely.card(sent.message))).toContain(
        'Admin2 is the last admin and cannot be revoked.',
      );
      expect((await lonely.stores.roles.get('teams', USERS.admin2.id))?.role).toBe('admin');
    } finally {
      await lonely.close();
    }
  });
});

describe('disconnect', () => {
  it('always needs a second admin: not the requester, not an approver', async () => {
    const sent = await chat.send(USERS.admin, 'disconnect');
    const message = sent.message as MessageRef;
    const id = requestIdOf(chat.card(message));
    expect(cardText(chat.card(message))).toContain(
      'Nothing changes until a second admin other than the requester approves (disconnect always needs a second admin)',
    );
    await chat.click(USERS.admin, message, 'approve', { request: id });
    expect(lastEphemeral()).toBe("You can't approve your own request; another approver has to.");
    await chat.click(USERS.approver, message, 'approve', { request: id });
    expect(lastEphemeral()).toBe('To approve disconnect you need the admin role, and you are an approver.');
    expect((await chat.engine.engine.status()).status).toBe('active');
    await chat.click(USERS.admin2, message, 'approve', { request: id });
    expect(chat.card(message).status).toBe('Done');
    const status = await chat.engine.engine.status();
    expect(status.status).toBe('deactivated');
    expect(status.bindings.bound).toBe(0);
    const account = chat.engine.sandbox.inspection
      .users()
      .find((user) => user.userPrincipalName === 'rbac.target@contoso.com');
    expect(account?.accountEnabled).toBe(true);
  });
});
