import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseCardModel } from '../../cards/model.js';
import type { NewApprovalRequest } from '../../commands/chat/model.js';
import type { ChatStores } from '../../commands/chat/ports.js';
import { ensureIndexes } from '../../storage/database.js';
import { createChatRepositories } from '../../storage/repositories/chat/index.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { CHANNEL, USERS } from '../support/chat.js';

/** The chat stores on the dev database: conditional updates, listings and idempotent records. */

let database: TestDatabase;
let stores: ChatStores;

beforeAll(async () => {
  database = await openTestDatabase(import.meta.url);
  await ensureIndexes(database.db);
  stores = createChatRepositories(database.db);
});
afterAll(async () => {
  await database.close();
});

function request(id: string, expiresInMs = 60_000): NewApprovalRequest {
  const now = new Date();
  return {
    id,
    command: 'block',
    args: { emails: ['a@contoso.com'] },
    requester: USERS.operator,
    conversation: CHANNEL,
    summary: 'Block sign-in for 1 user',
    targets: 1,
    policy: {
      mode: 'self-confirm',
      required: 1,
      approverRole: 'operator',
      requesterMayApprove: true,
      reason: 'r',
    },
    state: 'pending',
    createdAt: now,
    expiresAt: new Date(now.getTime() + expiresInMs),
    retryOf: null,
  };
}

describe('approval requests', () => {
  it('moves a request only while the precondition holds, once of many concurrent attempts', async () => {
    const created = await stores.requests.create(request('r-1'));
    expect(created).toMatchObject({ version: 0, approvals: [], outcome: null, attempts: 0 });
    const attempts = await Promise.all(
      Array.from({ length: 10 }, () =>
        stores.requests.transition('r-1', { states: ['pending'], version: 0 }, { state: 'approved' }),
      ),
    );
    expect(attempts.filter((moved) => moved !== null)).toHaveLength(1);
    const approved = await stores.requests.get('r-1');
    expect(approved).toMatchObject({ state: 'approved', version: 1 });
    expect(
      await stores.requests.transition('r-1', { states: ['pending'] }, { state: 'cancelled' }),
    ).toBeNull();
  });

  it('takes over an executing request only once its lease ran out', async () => {
    await stores.requests.create(request('r-2'));
    const lease = new Date(Date.now() + 1000);
    await stores.requests.transition(
      'r-2',
      { states: ['pending'] },
      { state: 'executing', leaseUntil: lease },
    );
    const early = await stores.requests.transition(
      'r-2',
      { states: ['executing'], leaseBefore: new Date() },
      { attempts: 2 },
    );
    expect(early).toBeNull();
    const late = await stores.requests.transition(
      'r-2',
      { states: ['executing'], leaseBefore: new Date(lease.getTime() + 1) },
      { attempts: 2 },
    );
    expect(late?.attempts).toBe(2);
    expect((await stores.requests.listUnfinished()).map((entry) => entry.id)).toEqual(['r-1', 'r-2']);
  });

  it('lists and counts only pending requests that have not expired', async () => {
    await stores.requests.create(request('r-3'));
    await stores.requests.create(request('r-4', -1000));
    const now = new Date();
    expect((await stores.requests.listPending(now, 10)).map((entry) => entry.id)).toEqual(['r-3']);
    expect(await stores.requests.countPending(now)).toBe(1);
  });
});

describe('roles, views, tracked messages and digests', () => {
  it('removes a role only while it is the role expected', async () => {
    const grant = {
      platform: 'teams' as const,
      userId: USERS.viewer.id,
      displayName: 'Viewer',
      role: 'admin' as const,
      grantedBy: { platform: 'teams' as const, id: 'x', displayName: 'X' },
      grantedAt: new Date(),
    };
    await stores.roles.put(grant);
    await stores.roles.put({ ...grant, role: 'viewer' });
    expect(await stores.roles.remove('teams', USERS.viewer.id, 'admin')).toBe(false);
    expect(await stores.roles.remove('teams', USERS.viewer.id, 'viewer')).toBe(true);
    expect(await stores.roles.get('teams', USERS.viewer.id)).toBeNull();
  });

  it('stores a card with tables (nested arrays) and reads it back unchanged', async () => {
    const card = parseCardModel({
      title: 'Plan',
      tables: [
        {
          columns: ['User', 'Change'],
          rows: [
            ['a@contoso.com', 'bind'],
            ['b@contoso.com', '$set'],
          ],
        },
      ],
    });
    await stores.views.put('v-1', card);
    expect(await stores.views.get('v-1')).toEqual(card);
    expect(await stores.views.get('v-none')).toBeNull();
  });

  it('records a tracked message once however often it is added', async () => {
    const message = { conversation: CHANNEL, messageId: 'm-1' };
    await Promise.all([stores.tracked.add('k', message), stores.tracked.add('k', message)]);
    await stores.tracked.add('k', { conversation: CHANNEL, messageId: 'm-2' });
    expect(await stores.tracked.list('k')).toEqual([message, { conversation: CHANNEL, messageId: 'm-2' }]);
  });

  it('claims a digest day once of many concurrent runs, and gives it back', async () => {
    await stores.subscriptions.put({
      id: 'teams:c',
      conversation: CHANNEL,
      time: '09:00',
      timeZone: 'UTC',
      createdBy: { platform: 'teams', id: 'x', displayName: 'X' },
      createdAt: new Date(),
      lastPostedDay: null,
    });
    const claims = await Promise.all(
      Array.from({ length: 10 }, () => stores.subscriptions.claimDay('teams:c', '2026-01-02')),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    await stores.subscriptions.releaseDay('teams:c', '2026-01-02', null);
    expect(await stores.subscriptions.claimDay('teams:c', '2026-01-02')).toBe(true);
  });
});
