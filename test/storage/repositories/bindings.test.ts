import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StoredRecordInvalidError } from '../../../commands/errors.js';
import type { FindCursor } from 'mongodb';
import type { Binding, BindingState } from '../../../commands/engine/model.js';
import { COLLECTIONS } from '../../../storage/collections.js';
import {
  createRepositories,
  ensureIndexes,
  MongoBindings,
  type Repositories,
} from '../../../storage/repositories/index.js';
import { heldDocumentLocks } from '../../../storage/repositories/document-lock.js';
import { openTestDatabase, type TestDatabase } from '../../support/database.js';
import { newBinding } from './fixtures.js';

let database: TestDatabase;
let repositories: Repositories;

beforeAll(async () => {
  database = await openTestDatabase(import.meta.url);
  await ensureIndexes(database.db);
  repositories = createRepositories(database.db);
});
afterAll(async () => {
  await database.close();
});

/** Lets a test drop the listing's cursor on the server, as an idle timeout or a failover would. */
class CursorLosingBindings extends MongoBindings {
  private readonly cursors: FindCursor<Binding & { _id: string }>[] = [];

  get cursorsOpened(): number {
    return this.cursors.length;
  }

  protected override openListCursor(states: BindingState[] | undefined, after: string | undefined) {
    const cursor = super.openListCursor(states, after);
    this.cursors.push(cursor);
    return cursor;
  }

  async killFirstCursor(): Promise<void> {
    const id = this.cursors[0]?.id;
    if (id === undefined) throw new Error('no cursor yet');
    await database.db.command({ killCursors: COLLECTIONS.bindings, cursors: [id] });
  }
}

async function collect(iterable: AsyncIterable<Binding>): Promise<Binding[]> {
  const all: Binding[] = [];
  for await (const binding of iterable) all.push(binding);
  return all;
}

describe('Bindings on the dev database', () => {
  it('creates a binding and reads it back by user, by email (any case) and by Microsoft 365 id', async () => {
    const created = await repositories.bindings.create(
      newBinding('u-get', { emailLower: 'Get.Me@Contoso.com' }),
    );
    expect(created).toMatchObject({ userId: 'u-get', emailLower: 'get.me@contoso.com', state: 'bound' });
    expect(created?.updatedAt).toBeInstanceOf(Date);
    expect(await repositories.bindings.get('u-get')).toEqual(created);
    expect(await repositories.bindings.findByEmail('GET.me@contoso.com')).toEqual(created);
    const byM365 = await repositories.bindings.findByM365Ids(['m365-u-get', 'm365-unknown']);
    expect([...byM365.keys()]).toEqual(['m365-u-get']);
    expect(await repositories.bindings.get('u-none')).toBeNull();
  });

  it('create twice: the second returns null and overwrites nothing', async () => {
    const first = await repositories.bindings.create(newBinding('u-twice', { m365Id: 'first' }));
    const second = await repositories.bindings.create(
      newBinding('u-twice', { m365Id: 'second', state: 'blocked' }),
    );
    expect(first).not.toBeNull();
    expect(second).toBeNull();
    expect(await repositories.bindings.get('u-twice')).toMatchObject({ m365Id: 'first', state: 'bound' });
  });

  it('two concurrent creates for one user: exactly one succeeds', async () => {
    const results = await Promise.all([
      repositories.bindings.create(newBinding('u-race', { m365Id: 'a' })),
      repositories.bindings.create(newBinding('u-race', { m365Id: 'b' })),
    ]);
    expect(results.filter((result) => result !== null)).toHaveLength(1);
  });

  it('transition applies the changes only from the given states, and returns null otherwise', async () => {
    await repositories.bindings.create(newBinding('u-move'));
    const blocked = await repositories.bindings.transition('u-move', ['bound'], { state: 'blocked' });
    expect(blocked).toMatchObject({ userId: 'u-move', state: 'blocked', m365Id: 'm365-u-move' });
    expect(await repositories.bindings.transition('u-move', ['bound'], { state: 'blocked' })).toBeNull();
    expect(await repositories.bindings.transition('u-none', ['bound'], { state: 'blocked' })).toBeNull();
    expect(await repositories.bindings.transition('u-move', [], { state: 'bound' })).toBeNull();
    const pending = await repositories.bindings.transition('u-move', ['blocked', 'missing-in-m365'], {
      state: 'pending-address-release',
      m365Id: null,
      retryAt: new Date('2025-04-01T14:05:00Z'),
    });
    expect(pending).toMatchObject({ state: 'pending-address-release', m365Id: null });
    expect(pending?.retryAt).toEqual(new Date('2025-04-01T14:05:00Z'));
  });

  it('transition never changes the user, email key, boundAt or boundBy', async () => {
    const created = await repositories.bindings.create(newBinding('u-fixed'));
    const smuggled = {
      state: 'blocked' as const,
      userId: 'other',
      emailLower: 'x@y.z',
      boundAt: new Date(0),
    };
    const moved = await repositories.bindings.transition('u-fixed', ['bound'], smuggled);
    expect(moved).toMatchObject({
      userId: 'u-fixed',
      emailLower: created?.emailLower,
      boundAt: created?.boundAt,
    });
  });

  it('two concurrent transitions from the same state: exactly one wins, 50 times in a row', async () => {
    await repositories.bindings.create(newBinding('u-contended'));
    for (let round = 0; round < 50; round += 1) {
      const [from, to] = round % 2 === 0 ? (['bound', 'blocked'] as const) : (['blocked', 'bound'] as const);
      const results = await Promise.all([
        repositories.bindings.transition('u-contended', [from], { state: to, userPrincipalName: 'first' }),
        repositories.bindings.transition('u-contended', [from], { state: to, userPrincipalName: 'second' }),
      ]);
      const winners = results.filter((result) => result !== null);
      expect(winners).toHaveLength(1);
      expect(await repositories.bindings.get('u-contended')).toMatchObject({
        state: to,
        userPrincipalName: winners[0]?.userPrincipalName,
      });
    }
    expect(heldDocumentLocks()).toBe(0);
  });

  it('removes one binding, reporting whether there was one', async () => {
    await repositories.bindings.create(newBinding('u-remove'));
    expect(await repositories.bindings.remove('u-remove')).toBe(true);
    expect(await repositories.bindings.remove('u-remove')).toBe(false);
    expect(await repositories.bindings.get('u-remove')).toBeNull();
  });

  it('moves bindings stored under generated ids to their user id at start-up, keeping every field', async () => {
    // As on a database that has not been migrated yet.
    await database.db.collection(COLLECTIONS.migrations).deleteMany({});
    const raw = database.db.collection(COLLECTIONS.bindings);
    await raw.insertOne({ ...newBinding('u-legacy', { m365Id: 'm-legacy' }), updatedAt: new Date() });
    expect(await repositories.bindings.get('u-legacy')).toBeNull();
    await ensureIndexes(database.db);
    expect(await repositories.bindings.get('u-legacy')).toMatchObject({
      userId: 'u-legacy',
      m365Id: 'm-legacy',
    });
    expect(await raw.countDocuments({ userId: 'u-legacy' })).toBe(1);
    await repositories.bindings.remove('u-legacy');
  });

  it('moves them only once per database: a start after the migration recorded itself scans nothing', async () => {
    await ensureIndexes(database.db);
    expect(await database.db.collection(COLLECTIONS.migrations).countDocuments({})).toBe(1);
    const raw = database.db.collection(COLLECTIONS.bindings);
    const { insertedId } = await raw.insertOne({ ...newBinding('u-late'), updatedAt: new Date() });
    await ensureIndexes(database.db);
    expect(await raw.countDocuments({ _id: insertedId })).toBe(1);
    await raw.deleteOne({ _id: insertedId });
  });

  it('reports a malformed stored binding with its collection and user id', async () => {
    await database.db
      .collection<{ _id: string; userId: string; state: string }>(COLLECTIONS.bindings)
      .insertOne({ _id: 'u-broken', userId: 'u-broken', state: 'lost' });
    const read = repositories.bindings.get('u-broken');
    await expect(read).rejects.toBeInstanceOf(StoredRecordInvalidError);
    await expect(read).rejects.toMatchObject({ collection: 'bindings', recordId: 'u-broken' });
    await database.db.collection(COLLECTIONS.bindings).deleteOne({ userId: 'u-broken' });
  });
});

describe('Bindings in bulk', () => {
  const total = 2500;
  const stateOf = (index: number) =>
    index % 5 === 0 ? 'blocked' : index % 7 === 0 ? 'missing-in-m365' : 'bound';

  beforeAll(async () => {
    await repositories.bindings.removeAll();
    // Inserted in shuffled order, so the listing's order comes from the query, not from insertion.
    const indexes = Array.from({ length: total }, (_, index) => index).sort(
      (a, b) => ((a * 7919) % total) - ((b * 7919) % total),
    );
    const documents = indexes.map((index) => {
      const userId = `user-${String(index).padStart(5, '0')}`;
      return { _id: userId, ...newBinding(userId, { state: stateOf(index) }), updatedAt: new Date() };
    });
    await database.db
      .collection<{ _id: string; userId: string; state: string }>(COLLECTIONS.bindings)
      .insertMany(documents);
  });

  it('lists every binding once, in userId order, across pages', async () => {
    const all = await collect(repositories.bindings.list());
    expect(all).toHaveLength(total);
    const ids = all.map((binding) => binding.userId);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(total);
  });

  it('lists 2,500 bindings with a state filter: only those states, in order', async () => {
    const blockedOrMissing = await collect(
      repositories.bindings.list({ states: ['blocked', 'missing-in-m365'] }),
    );
    const expected = Array.from({ length: total }, (_, index) => index)
      .filter((index) => stateOf(index) !== 'bound')
      .map((index) => `user-${String(index).padStart(5, '0')}`);
    expect(blockedOrMissing.map((binding) => binding.userId)).toEqual(expected);
    expect(await collect(repositories.bindings.list({ states: [] }))).toEqual([]);
  });

  it('pages with a small page size give the same listing', async () => {
    const small = createRepositories(database.db, { pageSize: 100 });
    const ids = (await collect(small.bindings.list({ states: ['blocked'] }))).map(
      (binding) => binding.userId,
    );
    expect(ids).toHaveLength(total / 5);
    expect(ids).toEqual([...ids].sort());
  });

  it('resumes after the last binding when the server drops the cursor mid-listing', async () => {
    const losing = new CursorLosingBindings(database.db, { pageSize: 100 });
    const ids: string[] = [];
    for await (const binding of losing.list({ states: ['blocked'] })) {
      ids.push(binding.userId);
      if (ids.length === 150) await losing.killFirstCursor();
    }
    expect(losing.cursorsOpened).toBe(2);
    expect(ids).toHaveLength(total / 5);
    expect(ids).toEqual([...new Set(ids)].sort());
  });

  it('counts by state, with every state present', async () => {
    const blocked = total / 5;
    const missing = Array.from({ length: total }, (_, index) => index).filter(
      (index) => stateOf(index) === 'missing-in-m365',
    ).length;
    expect(await repositories.bindings.countByState()).toEqual({
      bound: total - blocked - missing,
      blocked,
      'suspended-password-expired': 0,
      'pending-address-release': 0,
      'missing-in-m365': missing,
    });
  });

  it('finds many bindings by Microsoft 365 id in one call', async () => {
    const ids = Array.from({ length: 1500 }, (_, index) => `m365-user-${String(index).padStart(5, '0')}`);
    const found = await repositories.bindings.findByM365Ids(ids);
    expect(found.size).toBe(1500);
    expect(found.get('m365-user-01499')?.userId).toBe('user-01499');
  });

  it('removeAll clears every binding and says how many', async () => {
    expect(await repositories.bindings.removeAll()).toBe(total);
    expect(await repositories.bindings.countByState()).toMatchObject({ bound: 0, blocked: 0 });
    expect(await collect(repositories.bindings.list())).toEqual([]);
  });
});
