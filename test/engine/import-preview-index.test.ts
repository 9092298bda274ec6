import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ImportPreviewFilter, PreviewRow, PreviewStatus } from '../../commands/engine/classify.js';
import type { DirectoryIndex } from '../../commands/engine/directory-index.js';
import { createEngine, type Engine } from '../../commands/engine/engine.js';
import type { M365Gateway, M365User } from '../../commands/engine/ports.js';
import { StoredRecordInvalidError } from '../../commands/errors.js';
import type { SandboxUser } from '../../sandbox/model.js';
import { COLLECTIONS } from '../../storage/collections.js';
import { MongoDirectoryIndex } from '../../storage/repositories/directory-index.js';
import { openTestDatabase } from '../support/database.js';
import { directoryUser, openEngine, type EngineHarness } from '../support/engine.js';
import { newBinding } from '../storage/repositories/fixtures.js';

/**
 * The import preview classifies against a directory snapshot loaded once (directory-index.ts) instead of two
 * lookups per Graph page. These tests hold it to the per-page lookups' answers, on pages of 7 users so the
 * tenant spans several pages, and check the snapshot's bound and its failure modes.
 */

const PAGE = 7;
let harness: EngineHarness;
let members: SandboxUser[];
const expected = new Map<string, PreviewStatus>();
const email = (user: SandboxUser): string => user.mail ?? user.userPrincipalName;

function member(index: number): SandboxUser {
  const user = members[index];
  if (user === undefined) throw new Error(`the sandbox tenant has fewer than ${String(index + 1)} members`);
  return user;
}

/** `target` with every method bound to it, `method` replaced by `replacement`. */
function replacing<T extends object>(target: T, method: keyof T & string, replacement: unknown): T {
  return new Proxy(target, {
    get(object, property) {
      if (property === method) return replacement;
      const value: unknown = Reflect.get(object, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}

/** `target` with calls to `method` counted in `calls[method]`. */
function counting<T extends object>(target: T, method: keyof T & string, calls: Record<string, number>): T {
  const original = Reflect.get(target, method) as (...args: unknown[]) => unknown;
  return replacing(target, method, (...args: unknown[]) => {
    calls[method] = (calls[method] ?? 0) + 1;
    return original.apply(target, args);
  });
}

/** The gateway with every listUsers page cut into pages of `size`; it fails after `failAfterPages` pages. */
function smallPages(gateway: M365Gateway, size: number, failAfterPages = Infinity): M365Gateway {
  async function* listUsers(...args: Parameters<M365Gateway['listUsers']>): AsyncGenerator<M365User[]> {
    let pages = 0;
    for await (const page of gateway.listUsers(...args)) {
      for (let start = 0; start < page.length; start += size) {
        if (pages === failAfterPages) throw new Error('Graph went away mid-listing');
        pages += 1;
        yield page.slice(start, start + size);
      }
    }
  }
  return replacing(gateway, 'listUsers', listUsers);
}

interface Counted {
  engine: Engine;
  /** Calls of load, findByEmails and findByM365Ids. */
  calls: Record<string, number>;
}

/** An engine on the harness's database whose directory reads are counted; `index` replaces the snapshot. */
function countedEngine(gateway: M365Gateway, index?: DirectoryIndex): Counted {
  const calls: Record<string, number> = { load: 0, findByEmails: 0, findByM365Ids: 0 };
  const { users, bindings, directoryIndex } = harness.repositories;
  const engine = createEngine({
    ...harness.repositories,
    users: counting(users, 'findByEmails', calls),
    bindings: counting(bindings, 'findByM365Ids', calls),
    directoryIndex: counting(index ?? directoryIndex, 'load', calls),
    gateway,
    jobs: harness.jobs,
    clock: harness.clock,
    settings: harness.settings,
  });
  return { engine, calls };
}

const aboveTheBound: DirectoryIndex = { load: () => Promise.resolve(null) };

async function allRows(engine: Engine, filter: ImportPreviewFilter): Promise<PreviewRow[]> {
  const rows: PreviewRow[] = [];
  for await (const row of engine.streamImportPreview(filter)) rows.push(row);
  return rows;
}

beforeAll(async () => {
  harness = await openEngine(import.meta.url, {
    sandbox: { size: 60, domains: ['contoso.com', 'fabrikam.com'] },
  });
  members = harness.sandbox.inspection
    .users()
    .filter((user) => user.userType === 'Member' && user.mail !== null && !user.mail.includes("'"));
  const { users, bindings } = harness.repositories;
  // Imported from this very account: already imported by importedFromM365Id.
  await users.insert(
    directoryUser(email(member(0)), { source: 'imported', importedFromM365Id: member(0).id }),
  );
  // Created here under the tenant's address (in another case), then bound: already imported by binding.
  const boundSameEmail = await users.insert(directoryUser(email(member(1)).toUpperCase()));
  await bindings.create(newBinding(boundSameEmail.id, { m365Id: member(1).id }));
  // Bound to an account whose address differs from the directory's: already imported by binding.
  const boundOtherEmail = await users.insert(directoryUser('renamed.person@contoso.com'));
  await bindings.create(newBinding(boundOtherEmail.id, { m365Id: member(2).id }));
  // The tenant's address, not linked: a conflict; imported from another account: a conflict too.
  await users.insert(directoryUser(email(member(3))));
  await users.insert(directoryUser(email(member(4)), { source: 'imported', importedFromM365Id: 'other-id' }));
  // Waiting for its address (no Microsoft 365 object yet): matches nobody.
  const pending = await users.insert(directoryUser('pending.person@contoso.com'));
  await bindings.create(newBinding(pending.id, { m365Id: null, state: 'pending-address-release' }));
  expected.set(member(0).id, 'already-imported');
  expected.set(member(1).id, 'already-imported');
  expected.set(member(2).id, 'already-imported');
  expected.set(member(3).id, 'conflict');
  expected.set(member(4).id, 'conflict');
});
afterAll(async () => {
  await harness.close();
});

describe('import preview against the directory snapshot', () => {
  it('gives every status as the per-page lookups do, across several pages', async () => {
    const indexed = countedEngine(smallPages(harness.gateway, PAGE));
    const perPage = countedEngine(smallPages(harness.gateway, PAGE), aboveTheBound);
    const rows = await allRows(indexed.engine, { status: 'all' });
    expect(rows.length).toBe(harness.sandbox.inspection.users().length);
    expect(rows.length).toBeGreaterThan(3 * PAGE);
    expect(await allRows(perPage.engine, { status: 'all' })).toEqual(rows);
    const statusOf = new Map(rows.map((row) => [row.m365Id, row.status]));
    for (const [m365Id, status] of expected) expect([m365Id, statusOf.get(m365Id)]).toEqual([m365Id, status]);
    const guests = harness.sandbox.inspection.users().filter((user) => user.userType === 'Guest');
    expect(guests.length).toBeGreaterThan(0);
    for (const guest of guests) expect(statusOf.get(guest.id)).toBe('skipped');
    const others = rows.filter((row) => !expected.has(row.m365Id) && row.status !== 'skipped');
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((row) => row.status === 'new')).toBe(true);
  });

  it('agrees with the per-page lookups on counts, limit and every filter', async () => {
    const department = members.find((user) => user.department !== null)?.department ?? 'none';
    const filters: ImportPreviewFilter[] = [
      {},
      { status: 'new' },
      { status: 'conflicts' },
      { status: 'already-imported' },
      { status: 'skipped' },
      { status: 'all', domain: 'fabrikam.com' },
      { status: 'all', department },
      { text: "o'brien" },
    ];
    const indexed = countedEngine(smallPages(harness.gateway, PAGE)).engine;
    const perPage = countedEngine(smallPages(harness.gateway, PAGE), aboveTheBound).engine;
    for (const filter of filters) {
      const preview = await indexed.importPreview(filter, { limit: 3 });
      expect([filter, preview]).toEqual([filter, await perPage.importPreview(filter, { limit: 3 })]);
    }
    const counts = (await indexed.importPreview({}, { limit: 0 })).counts;
    expect(counts).toMatchObject({ 'already-imported': 3, conflict: 2 });
  });

  it('reads the directory once per preview, not once per page', async () => {
    const indexed = countedEngine(smallPages(harness.gateway, PAGE));
    await indexed.engine.importPreview({ status: 'all' });
    expect(indexed.calls).toEqual({ load: 1, findByEmails: 0, findByM365Ids: 0 });
    const perPage = countedEngine(smallPages(harness.gateway, PAGE), aboveTheBound);
    await perPage.engine.importPreview({ status: 'all' });
    const pages = Math.ceil(harness.sandbox.inspection.users().length / PAGE);
    expect(perPage.calls).toEqual({ load: 1, findByEmails: pages, findByM365Ids: pages });
  });

  it('a Graph failure mid-listing fails the preview with that error (the stream too)', async () => {
    const failing = countedEngine(smallPages(harness.gateway, PAGE, 2)).engine;
    await expect(failing.importPreview({})).rejects.toThrow('Graph went away mid-listing');
    await expect(allRows(failing, { status: 'all' })).rejects.toThrow('Graph went away mid-listing');
  });
});

describe('the directory snapshot (MongoDirectoryIndex)', () => {
  it('holds every user by lower-case email and every binding with a Microsoft 365 object', async () => {
    const index = new MongoDirectoryIndex(harness.database.db, { batchSize: 2 });
    const snapshot = await index.load({ maxEntries: 100 });
    expect(snapshot?.size).toEqual({ users: 6, bindings: 2 });
    expect(snapshot?.userByEmail(email(member(0)).toLowerCase())).toEqual({
      importedFromM365Id: member(0).id,
    });
    expect(snapshot?.userByEmail(email(member(3)).toLowerCase())).toEqual({ importedFromM365Id: null });
    expect(snapshot?.userByEmail('nobody@contoso.com')).toBeUndefined();
    const bound = await harness.repositories.users.findByEmail('renamed.person@contoso.com');
    expect(snapshot?.boundUserId(member(2).id)).toBe(bound?.id);
    expect(snapshot?.boundUserId(member(3).id)).toBeUndefined();
  });

  it('is not loaded when users plus bindings exceed the bound', async () => {
    const index = new MongoDirectoryIndex(harness.database.db);
    // 6 users and 3 bindings (the pending one counts: it is read before it can be skipped).
    expect(await index.load({ maxEntries: 8 })).toBeNull();
    expect(await index.load({ maxEntries: 9 })).not.toBeNull();
  });

  it('gives up while reading when the directory outgrew its counts', async () => {
    class UnderCounting extends MongoDirectoryIndex {
      protected override countOf(): Promise<number> {
        return Promise.resolve(0);
      }
    }
    const index = new UnderCounting(harness.database.db, { batchSize: 2 });
    expect(await index.load({ maxEntries: 8 })).toBeNull();
    expect(await index.load({ maxEntries: 5 })).toBeNull();
    expect((await index.load({ maxEntries: 9 }))?.size).toEqual({ users: 6, bindings: 2 });
  });

  it('stops when its signal is aborted', async () => {
    const index = new MongoDirectoryIndex(harness.database.db);
    const abandon = new AbortController();
    abandon.abort(new Error('nobody waits for it'));
    await expect(index.load({ maxEntries: 100, signal: abandon.signal })).rejects.toThrow(
      'nobody waits for it',
    );
  });

  it('reports a malformed stored user with its collection and id', async () => {
    const database = await openTestDatabase(import.meta.url, 'malformed');
    try {
      await database.db.collection<{ _id: string; importedFromM365Id: null }>(COLLECTIONS.users).insertOne({
        _id: 'user-without-email',
        importedFromM365Id: null,
      });
      const load = new MongoDirectoryIndex(database.db).load({ maxEntries: 100 });
      await expect(load).rejects.toBeInstanceOf(StoredRecordInvalidError);
      await expect(load).rejects.toThrow('user-without-email');
    } finally {
      await database.close();
    }
  });
});
