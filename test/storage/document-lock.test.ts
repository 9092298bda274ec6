import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { MongoClient, type Collection } from 'mongodb';
import { LockTimeoutError } from '../../commands/errors.js';
import { COLLECTIONS } from '../../storage/collections.js';
import {
  claimKeyFor,
  DocumentLeases,
  heldDocumentLocks,
  registerLockDatabase,
  withDocumentLock,
} from '../../storage/repositories/document-lock.js';
import { openTestDatabase, testMongoUri, type TestDatabase } from '../support/database.js';

interface LeaseDocument {
  _id: string;
  owner: string;
  expiresAt: Date;
}

let database: TestDatabase;
/** A second connection to the same database: the leases of "another process". */
let otherClient: MongoClient;
let locks: Collection<LeaseDocument>;
let keySequence = 0;

beforeAll(async () => {
  database = await openTestDatabase(import.meta.url);
  otherClient = new MongoClient(testMongoUri(), { serverSelectionTimeoutMS: 10_000 });
  await otherClient.connect();
  locks = database.db.collection<LeaseDocument>(COLLECTIONS.locks);
});
afterAll(async () => {
  await otherClient.close();
  await database.close();
});
beforeEach(async () => {
  registerLockDatabase(database.db);
  // Tests that plant another process's lease leave it behind; each test counts lock documents from zero.
  await locks.deleteMany({});
});

/** A fresh key per test, in the registered database's "<database>/<collection>/<id>" form. */
function newKey(): string {
  keySequence += 1;
  return `${database.db.databaseName}/bindings/u-${keySequence}`;
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);

function otherProcessLeases(options: ConstructorParameters<typeof DocumentLeases>[1] = {}): DocumentLeases {
  return new DocumentLeases(otherClient.db(database.db.databaseName), options);
}

describe('withDocumentLock: the lease in the database', () => {
  it('holds a lease with an owner and a future expiry while the action runs, and deletes it afterwards', async () => {
    const key = newKey();
    const during = await withDocumentLock(key, () => locks.findOne({ _id: key }));
    expect(during).toMatchObject({ _id: key, owner: expect.any(String) as unknown });
    expect(during?.expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(await locks.countDocuments({ _id: key })).toBe(0);
  });

  it('an action that throws releases its lease: the next caller gets it without waiting', async () => {
    const key = newKey();
    const failure = new Error('the action failed');
    await expect(withDocumentLock(key, () => Promise.reject(failure))).rejects.toBe(failure);
    expect(await locks.countDocuments({ _id: key })).toBe(0);
    expect(heldDocumentLocks()).toBe(0);
    // With no wait allowed, a lease left behind would fail this with LockTimeoutError.
    registerLockDatabase(database.db, { maxWaitMs: 0 });
    await expect(withDocumentLock(key, () => Promise.resolve('ran'))).resolves.toBe('ran');
  });

  it("waits for another process's live lease and runs as soon as that process releases it", async () => {
    const key = newKey();
    await locks.insertOne({ _id: key, owner: 'other-process', expiresAt: minutesFromNow(1) });
    let ran = false;
    const waiting = withDocumentLock(key, () => {
      ran = true;
      return Promise.resolve();
    });
    await sleep(100);
    expect(ran).toBe(false);
    await locks.deleteOne({ _id: key, owner: 'other-process' });
    await waiting;
    expect(ran).toBe(true);
    expect(await locks.countDocuments({ _id: key })).toBe(0);
  });

  it("gives up on another process's live lease with LockTimeoutError (policy retry), leaving it alone", async () => {
    registerLockDatabase(database.db, { maxWaitMs: 200 });
    const key = newKey();
    const foreign = { _id: key, owner: 'other-process', expiresAt: minutesFromNow(1) };
    await locks.insertOne(foreign);
    let ran = false;
    const attempt = withDocumentLock(key, () => {
      ran = true;
      return Promise.resolve();
    });
    await expect(attempt).rejects.toBeInstanceOf(LockTimeoutError);
    await expect(attempt).rejects.toMatchObject({
      code: 'LOCK_TIMEOUT',
      policy: 'retry',
      resource: key.slice(database.db.databaseName.length + 1),
    });
    // The hint to retry after: never less than a second, never more than one lease length (30 s).
    const retryAfterMs: unknown = await attempt.then(
      () => undefined,
      (error: unknown) => (error instanceof LockTimeoutError ? error.retryAfterMs : undefined),
    );
    expect(retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(retryAfterMs).toBeLessThanOrEqual(30_000);
    expect(ran).toBe(false);
    expect(await locks.findOne({ _id: key })).toEqual(foreign);
    expect(heldDocumentLocks()).toBe(0);
  });

  it("takes over a crashed holder's expired lease and leaves no lease or claim behind", async () => {
    const key = newKey();
    await locks.insertOne({ _id: key, owner: 'crashed', expiresAt: new Date(Date.now() - 1000) });
    const during = await withDocumentLock(key, () => locks.findOne({ _id: key }));
    expect(during?.owner).toEqual(expect.any(String));
    expect(during?.owner).not.toBe('crashed');
    expect(await locks.countDocuments({})).toBe(0);
  });

  it('refuses a key whose database was never registered, without running the action', async () => {
    let ran = false;
    const attempt = withDocumentLock('unregistered_db/bindings/u-1', () => {
      ran = true;
      return Promise.resolve();
    });
    await expect(attempt).rejects.toThrow(/registerLockDatabase/);
    expect(ran).toBe(false);
    expect(heldDocumentLocks()).toBe(0);
  });

  it('a burst of 300 lockings over 10 keys never overlaps on a key and drains completely', async () => {
    const keys = Array.from({ length: 10 }, () => newKey());
    const active = new Map<string, number>();
    let overlaps = 0;
    await Promise.all(
      Array.from({ length: 300 }, (_, index) => {
        const key = keys[index % keys.length] ?? '';
        return withDocumentLock(key, async () => {
          const inside = (active.get(key) ?? 0) + 1;
          active.set(key, inside);
          if (inside > 1) overlaps += 1;
          await sleep(index % 3);
          active.set(key, (active.get(key) ?? 1) - 1);
        });
      }),
    );
    expect(overlaps).toBe(0);
    expect(heldDocumentLocks()).toBe(0);
    expect(await locks.countDocuments({})).toBe(0);
  });
});

describe('DocumentLeases: taking over a crashed holder', () => {
  it('of two processes taking over the same expired lease at once, exactly one wins, 50 rounds', async () => {
    const mine = new DocumentLeases(database.db);
    const theirs = otherProcessLeases();
    const key = newKey();
    for (let round = 0; round < 50; round += 1) {
      const crashed = `crashed-${round}`;
      await locks.insertOne({ _id: key, owner: crashed, expiresAt: new Date(Date.now() - 1000) });
      const owners = await Promise.all([mine.takeOver(key, crashed), theirs.takeOver(key, crashed)]);
      const winners = owners.filter((owner): owner is string => owner !== null);
      expect(winners).toHaveLength(1);
      const lease = await locks.findOne({ _id: key });
      expect(lease?.owner).toBe(winners[0]);
      expect(await locks.countDocuments({})).toBe(1); // the claims are gone
      await mine.release(key, winners[0] ?? '');
    }
    expect(await locks.countDocuments({})).toBe(0);
  });

  it('a takeover that crashed half-way (its claim expired too) is taken over in turn', async () => {
    const key = newKey();
    const expired = new Date(Date.now() - 1000);
    await locks.insertMany([
      { _id: key, owner: 'crashed', expiresAt: expired },
      { _id: claimKeyFor(key, 'crashed'), owner: 'crashed-taker', expiresAt: expired },
    ]);
    const leases = new DocumentLeases(database.db, { maxWaitMs: 1000 });
    const owner = await leases.acquire(key);
    expect(await locks.findOne({ _id: key })).toMatchObject({ owner });
    await leases.release(key, owner);
    expect(await locks.countDocuments({})).toBe(0);
  });

  it('a live claim means another process is taking over: the stale lease is left to it', async () => {
    const key = newKey();
    const stale = { _id: key, owner: 'crashed', expiresAt: new Date(Date.now() - 1000) };
    await locks.insertMany([
      stale,
      { _id: claimKeyFor(key, 'crashed'), owner: 'other-taker', expiresAt: minutesFromNow(1) },
    ]);
    const leases = new DocumentLeases(database.db, { maxWaitMs: 200 });
    await expect(leases.acquire(key)).rejects.toBeInstanceOf(LockTimeoutError);
    expect(await locks.findOne({ _id: key })).toEqual(stale);
  });

  it('a holder whose action outlasts the lease renews it, so a waiting process never takes it over', async () => {
    const key = newKey();
    const holder = new DocumentLeases(database.db, { leaseMs: 300 });
    const waiter = otherProcessLeases({ leaseMs: 300, maxWaitMs: 10_000 });
    const events: string[] = [];
    let entered: () => void = () => undefined;
    const holderEntered = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const holding = holder.hold(key, async () => {
      events.push('holder started');
      entered();
      await sleep(1200); // four lease lengths
      events.push('holder finished');
    });
    await holderEntered;
    const owner = await waiter.acquire(key);
    events.push('waiter acquired');
    await holding;
    expect(events).toEqual(['holder started', 'holder finished', 'waiter acquired']);
    await waiter.release(key, owner);
    expect(await locks.countDocuments({})).toBe(0);
  });
});
