import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { renderAdaptiveCard } from '../../cards/render-adaptive.js';
import { renderBlockKit } from '../../cards/render-blockkit.js';
import type { MessageRef } from '../../commands/chat/types.js';
import { validateAdaptiveCard } from '../cards/support/adaptive-validator.js';
import { validateBlockKitMessage } from '../cards/support/blockkit-validator.js';
import { directoryUser, outOfBand } from '../support/engine.js';
import {
  cardText,
  openChat,
  RecordingSurface,
  requestIdOf,
  USERS,
  type ChatHarness,
} from '../support/chat.js';

/** Every command's happy path through the chat core, and the refusals every command shares. */

const TEST_ACTOR = { platform: 'test' as const, id: 'setup', displayName: 'Setup' };
const BOUND = ['cmd.bound@contoso.com', 'cmd.drift@contoso.com'];
let chat: ChatHarness;

beforeAll(async () => {
  chat = await openChat(import.meta.url);
  for (const email of BOUND) await chat.engine.repositories.users.insert(directoryUser(email));
  await chat.engine.engine.bind(BOUND, { actor: TEST_ACTOR, welcome: false });
});
afterAll(async () => {
  await chat.close();
});

const lastEphemeral = (): string =>
  (chat.surface.ephemerals.at(-1)?.card.notes ?? []).map((note) => note.text).join(' ');

/** Sends, confirms as the same user, returns the final card's message. */
async function confirmed(text: string, user = USERS.operator): Promise<MessageRef> {
  const sent = await chat.send(user, text);
  const message = sent.message as MessageRef;
  await chat.click(user, message, 'approve', { request: requestIdOf(chat.card(message)) });
  return message;
}

/** Microsoft 365 members the seed holds, by e-mail (cloud-only members, not O'Brien's apostrophe). */
function seededMembers(count: number): string[] {
  return chat.engine.sandbox.inspection
    .users()
    .filter((user) => user.userType === 'Member' && user.mail !== null && user.onPremisesSyncEnabled !== true)
    .slice(0, count)
    .map((user) => user.mail ?? '');
}

describe('shared refusals', () => {
  it('answers an unknown command with "did you mean" and runs nothing', async () => {
    chat.engine.sandbox.inspection.reset();
    const sent = await chat.send(USERS.operator, 'unbnid cmd.bound@contoso.com');
    expect(sent.message).toBeUndefined();
    expect(lastEphemeral()).toBe(
      '"unbnid" is not a command. Did you mean "unbind"? Type "help" for the list.',
    );
    expect(chat.engine.sandbox.inspection.requests()).toEqual([]);
  });

  it('answers bad arguments with one sentence and an example, and runs nothing', async () => {
    chat.engine.sandbox.inspection.reset();
    const requests = await chat.stores.requests.listPending(chat.clock.now(), 1000);
    const sent = await chat.send(USERS.operator, 'block cmd.bound@contoso.com --force');
    expect(sent.message).toBeUndefined();
    expect(lastEphemeral()).toBe(
      '--force is not an option of block. Example: block alice@contoso.com bob@contoso.com',
    );
    expect(await chat.stores.requests.listPending(chat.clock.now(), 1000)).toHaveLength(requests.length);
    expect(chat.engine.sandbox.inspection.requests()).toEqual([]);
  });

  it('answers an empty message with help', async () => {
    const sent = await chat.send(USERS.viewer, '   ');
    expect(chat.card(sent.message).title).toBe('Commands');
  });
});

describe('read-only commands', () => {
  it('help lists every command with the role it needs; help <command> explains one', async () => {
    const list = await chat.send(USERS.viewer, 'help');
    const rows = chat.card(list.message).tables[0]?.rows ?? [];
    expect(rows).toHaveLength(19);
    expect(rows).toContainEqual([
      'bind <emails> [--license SKU] [--no-welcome]',
      expect.any(String),
      'operator (not you)',
    ]);
    const one = await chat.send(USERS.viewer, 'help password-reset');
    expect(chat.card(one.message).facts).toEqual([
      { label: 'Usage', value: 'password-reset <email>' },
      { label: 'Example', value: 'password-reset alice@contoso.com' },
      { label: 'Role needed', value: 'operator' },
      { label: 'Approval', value: 'you confirm; above 50 users, 2 approvers' },
    ]);
  });

  it('status shows the connection and counts, or the users named', async () => {
    const overall = await chat.send(USERS.viewer, 'status');
    expect(chat.card(overall.message).facts).toEqual(
      expect.arrayContaining([
        { label: 'Microsoft 365', value: 'active' },
        { label: 'bound', value: '2' },
      ]),
    );
    const some = await chat.send(USERS.viewer, 'status cmd.bound@contoso.com, nobody@contoso.com');
    expect(chat.card(some.message).tables[0]?.rows).toEqual([
      ['cmd.bound@contoso.com', 'Cmd Bound (created)', 'bound', expect.stringMatching(/UTC$/)],
      ['nobody@contoso.com', 'not in the directory', '', ''],
    ]);
  });

  it('import-preview answers with a working card, then the list, paged, with the full list as CSV', async () => {
    const sent = await chat.send(USERS.viewer, 'import-preview --all');
    const message = sent.message as MessageRef;
    expect(chat.surface.posts.find((post) => post.message.messageId === message.messageId)?.card.status).toBe(
      'Working…',
    );
    const card = chat.card(message);
    expect(card.title).toBe('Import preview');
    expect(Number(card.facts.find((fact) => fact.label === 'New')?.value)).toBeGreaterThan(20);
    expect(card.pagination?.page).toBe(1);
    const viewId = card.pagination?.data['view'] ?? '';
    await chat.click(USERS.viewer, message, 'page-next', { view: viewId, page: '2' });
    expect(chat.card(message).pagination?.page).toBe(2);
    await chat.click(USERS.viewer, message, 'download-csv', { csv: viewId });
    expect(chat.surface.files.at(-1)?.filename).toBe('import-preview.csv');
    expect(chat.surface.files.at(-1)?.content).toContain("liam.o'brien@contoso.com");
  });

  it('expiring lists passwords that expire within the days asked', async () => {
    const user = await chat.engine.repositories.users.findByEmail('cmd.bound@contoso.com');
    await chat.engine.repositories.users.setPasswordState(user?.id ?? '', {
      setAt: new Date(),
      expiresAt: new Date(Date.now() + 2 * 24 * 60 * 60 * 1000),
      policyVersion: 1,
    });
    const week = await chat.send(USERS.viewer, 'expiring');
    expect(chat.card(week.message).tables[0]?.rows.map((row) => row[0])).toEqual(['cmd.bound@contoso.com']);
    const day = await chat.send(USERS.viewer, 'expiring 1');
    expect(cardText(chat.card(day.message))).toContain('No password expires in that time.');
  });

  it('audit shows the newest events of a user, and posts them as CSV with --csv', async () => {
    const sent = await chat.send(USERS.viewer, 'audit cmd.bound@contoso.com --csv');
    const rows = chat.card(sent.message).tables[0]?.rows ?? [];
    expect(rows.some((row) => row[2] === 'bind' && row[4] === 'succeeded')).toBe(true);
    const file = chat.surface.files.at(-1);
    expect(file?.filename).toBe('audit-user.csv');
    expect(file?.content.split('\r\n')[0]).toBe('When,Who,Action,Target,Outcome,Detail');
  });

  it('approvals lists pending requests with Approve buttons', async () => {
    const sent = await chat.send(USERS.operator, 'block cmd.bound@contoso.com');
    const id = requestIdOf(chat.card(sent.message));
    const list = await chat.send(USERS.approver, 'approvals');
    const card = chat.card(list.message);
    expect(card.tables[0]?.rows).toContainEqual([
      expect.any(String),
      'Block sign-in for 1 user: 1 will change, 0 skipped, 0 will fail',
      'Operator',
      '0 of 1',
      expect.stringMatching(/UTC$/),
    ]);
    expect(card.buttons.some((button) => button.data['request'] === id)).toBe(true);
    await chat.click(USERS.operator, sent.message as MessageRef, 'cancel', { request: id });
  });
});

describe('mutating commands', () => {
  it('import names users, and --all-new plans exactly the new ones', async () => {
    const [first, second] = seededMembers(2);
    const one = await confirmed(`import ${first ?? ''}`);
    expect(chat.card(one).facts).toContainEqual({ label: 'Done', value: '1' });
    expect(await chat.engine.repositories.users.findByEmail(first ?? '')).not.toBeNull();
    const all = await chat.send(USERS.operator, 'import --all-new');
    const id = requestIdOf(chat.card(all.message));
    const planned = (await chat.stores.requests.get(id))?.args['emails'] as string[];
    expect(planned).toContain(second);
    expect(planned).not.toContain(first);
    await chat.click(USERS.operator, all.message as MessageRef, 'approve', { request: id });
    expect(chat.card(all.message).status).toMatch(/^Done/);
    expect(await chat.engine.repositories.users.findByEmail(second ?? '')).not.toBeNull();
  });

  it('block and unblock switch sign-in', async () => {
    await confirmed('block cmd.bound@contoso.com');
    const user = await chat.engine.repositories.users.findByEmail('cmd.bound@contoso.com');
    expect((await chat.engine.repositories.bindings.get(user?.id ?? ''))?.state).toBe('blocked');
    await confirmed('unblock cmd.bound@contoso.com');
    expect((await chat.engine.repositories.bindings.get(user?.id ?? ''))?.state).toBe('bound');
  });

  it('reconcile shows the drift; reconcile --fix repairs it', async () => {
    const user = await chat.engine.repositories.users.findByEmail('cmd.drift@contoso.com');
    const binding = await chat.engine.repositories.bindings.get(user?.id ?? '');
    await outOfBand(chat.engine.sandbox).updateUser(binding?.m365Id ?? '', { jobTitle: 'Pirate' });
    const report = await chat.send(USERS.operator, 'reconcile');
    const card = chat.card(report.message);
    expect(card.tables[0]?.rows).toContainEqual([
      'cmd.drift@contoso.com',
      'jobTitle',
      'Pirate → Engineer',
      '',
    ]);
    expect(cardText(card)).toContain('run "reconcile --fix" to repair the drift');
    expect(card.buttons).toEqual([]);
    const fixed = await confirmed('reconcile --fix');
    expect(chat.card(fixed).facts).toContainEqual({ label: 'Fixed', value: '1' });
    const account = chat.engine.sandbox.inspection.users().find((entry) => entry.id === binding?.m365Id);
    expect(account?.jobTitle).toBe('Engineer');
  });

  it('unbind blocks sign-in and removes the binding', async () => {
    await confirmed('unbind cmd.drift@contoso.com');
    const user = await chat.engine.repositories.users.findByEmail('cmd.drift@contoso.com');
    expect(await chat.engine.repositories.bindings.get(user?.id ?? '')).toBeNull();
  });

  it('refuses to ask for approval when nothing would change', async () => {
    const sent = await chat.send(USERS.operator, 'unblock cmd.bound@contoso.com');
    const card = chat.card(sent.message);
    expect(card.status).toBe('Nothing to approve');
    expect(card.buttons).toEqual([]);
    expect(cardText(card)).toContain('cmd.bound@contoso.com | nothing (skipped) | not blocked (bound)');
  });
});

describe('Slack', () => {
  it('runs the same flow through the Slack surface, keyed by the Slack user id', async () => {
    const slack = new RecordingSurface('slack');
    chat.core.registerSurface(slack);
    const user = { platform: 'slack' as const, id: 'T1:U1OPS', displayName: 'Sam', platformUserId: 'U1OPS' };
    await chat.stores.roles.put({
      platform: 'slack',
      userId: user.id,
      displayName: 'Sam',
      role: 'operator',
      grantedBy: { platform: 'teams', id: USERS.admin.id, displayName: 'Admin' },
      grantedAt: new Date(),
    });
    const conversation = { platform: 'slack' as const, id: 'C1OPS', kind: 'channel' as const };
    const replies = await chat.core.handleCommand({
      user,
      conversation,
      text: 'block cmd.bound@contoso.com',
    });
    const message = await slack.post(conversation, replies[0]?.card ?? chat.card(undefined));
    await chat.core.bindMessage(replies[0]?.tracking?.requestId ?? '', message);
    await chat.core.idle();
    const id = requestIdOf(slack.latest(message) ?? chat.card(undefined));
    const teamsUpdates = chat.surface.updates.length;
    const clicked = await chat.core.handleAction({
      user,
      conversation,
      verb: 'approve',
      data: { request: id },
      message,
    });
    await chat.core.idle();
    expect(clicked[0]?.replaceOriginal).toBe(true);
    expect(slack.latest(message)?.status).toBe('Done');
    expect(chat.surface.updates).toHaveLength(teamsUpdates);
    await chat.engine.engine.unblock(['cmd.bound@contoso.com'], { actor: TEST_ACTOR });
  });
});

describe('cards', () => {
  it('renders every card shown in these tests as a valid Adaptive Card 1.5 and valid Block Kit', () => {
    const shown = [
      ...chat.surface.posts.map((entry) => entry.card),
      ...chat.surface.updates.map((entry) => entry.card),
      ...chat.surface.ephemerals.map((entry) => entry.card),
    ];
    expect(shown.length).toBeGreaterThan(40);
    for (const card of shown) {
      const adaptive = renderAdaptiveCard(card);
      expect({ title: card.title, problems: validateAdaptiveCard(adaptive.card) }).toEqual({
        title: card.title,
        problems: [],
      });
      expect({ title: card.title, problems: validateBlockKitMessage(renderBlockKit(card)) }).toEqual({
        title: card.title,
        problems: [],
      });
    }
  });
});
