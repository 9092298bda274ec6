import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { COLLECTIONS } from '../../storage/collections.js';
import * as lockModule from '../../storage/repositories/document-lock.js';
import * as repositoriesModule from '../../storage/repositories/index.js';
import { openTestDatabase, testMongoUri, type TestDatabase } from '../support/database.js';
import { newBinding } from './repositories/fixtures.js';

/**
 * Two bot replicas sharing one database. Replica A is this file's own module graph; replica B is a second,
 * isolated module graph (its own in-process lock queue and registry, even its own MongoDB driver) on its own
 * MongoClient, the way a second process would be. Only the database lease can keep them apart.
 */
interface Replica {
  repositories: repositoriesModule.Repositories;
  lock: typeof lockModule;
}

let database: TestDatabase;
let replicaA: Replica;
let replicaB: Replica;
let replicaBClient: { close(): Promise<void> } | undefined;
let keySequence = 0;

async function loadIsolatedModules() {
  let loaded:
    | { driver: typeof import('mongodb'); repositories: typeof repositoriesModule; lock: typeof lockModule }
    | undefined;
  await jest.isolateModulesAsync(async () => {
    // One at a time: jest's ESM loader fails on concurrent imports of the same isolated module graph.
    const repositories = await import('../../storage/repositories/index.js');
    const lock = await import('../../storage/repositories/document-lock.js');
    const driver = await import('mongodb');
    loaded = { driver, repositories, lock };
  });
  if (loaded === undefined) throw new Error('The second replica did not load.');
  return loaded;
}

beforeAll(async () => {
  database = await openTestDatabase(import.meta.url);
  await repositoriesModule.ensureIndexes(database.db);
  replicaA = { repositories: repositoriesModule.createRepositories(database.db), lock: lockModule };

  const isolated = await loadIsolatedModules();
  const client = new isolated.driver.MongoClient(testMongoUri(), { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  replicaBClient = client;
  const db = client.db(database.db.databaseName);
  replicaB = { repositories: isolated.repositories.createRepositories(db), lock: isolated.lock };
});
afterAll(async () => {
  await replicaBClient?.close();
  await database.close();
});
beforeEach(async () => {
  await database.db.collection(COLLECTIONS.locks).deleteMany({});
});

function newKey(): string {
  keySequence += 1;
  return `${database.db.databaseName}/bindings/replicas-${keySequence}`;
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

const leaseCount = () => database.db.collection(COLLECTIONS.locks).countDocuments({});

/** Counts how often an action found another action already inside the same key. */
function overlapDetector() {
  const active = new Map<string, number>();
  let overlaps = 0;
  return {
    get overlaps() {
      return overlaps;
    },
    async inside(key: string, ms: number): Promise<void> {
      const now = (active.get(key) ?? 0) + 1;
      active.set(key, now);
      if (now > 1) overlaps += 1;
      await sleep(ms);
      active.set(key, (active.get(key) ?? 1) - 1);
    },
  };
}

describe('document locks across two replicas of the bot', () => {
  it('the second replica is a separate process image: its own driver, and its own in-process queue', async () => {
    expect(replicaB.lock).not.toBe(replicaA.lock);
    expect(replicaBClient).not.toBeInstanceOf(MongoClient);
    const key = newKey();
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let bRan = false;
    const aHolding = replicaA.lock.withDocumentLock(key, () => gate);
    await sleep(50);
    const bWaiting = replicaB.lock.withDocumentLock(key, () => {
      bRan = true;
      return Promise.resolve();
    });
    await sleep(150);
    // Each replica queues only its own caller; B waits on A's lease in the database, not in memory.
    expect(replicaA.lock.heldDocumentLocks()).toBe(1);
    expect(replicaB.lock.heldDocumentLocks()).toBe(1);
    expect(bRan).toBe(false);
    open();
    await Promise.all([aHolding, bWaiting]);
    expect(bRan).toBe(true);
    expect(await leaseCount()).toBe(0);
  });

  it('concurrent binding transitions from two replicas: exactly one wins, 50 rounds in a row', async () => {
    await replicaA.repositories.bindings.create(newBinding('u-two-replicas'));
    for (let round = 0; round < 50; round += 1) {
      const [from, to] = round % 2 === 0 ? (['bound', 'blocked'] as const) : (['blocked', 'bound'] as const);
      const results = await Promise.all([
        replicaA.repositories.bindings.transition('u-two-replicas', [from], {
          state: to,
          userPrincipalName: 'replica-a',
        }),
        replicaB.repositories.bindings.transition('u-two-replicas', [from], {
          state: to,
          userPrincipalName: 'replica-b',
        }),
      ]);
      const winners = results.filter((result) => result !== null);
      expect(winners).toHaveLength(1);
      expect(await replicaA.repositories.bindings.get('u-two-replicas')).toMatchObject({
        state: to,
        userPrincipalName: winners[0]?.userPrincipalName,
      });
    }
    expect(replicaA.lock.heldDocumentLocks()).toBe(0);
    expect(replicaB.lock.heldDocumentLocks()).toBe(0);
    expect(await leaseCount()).toBe(0);
  });

  it('a burst from both replicas on shared keys never overlaps on a key and leaves no lock documents', async () => {
    const keys = Array.from({ length: 5 }, () => newKey());
    const detector = overlapDetector();
    const calls = Array.from({ length: 200 }, (_, index) => {
      const replica = index % 2 === 0 ? replicaA : replicaB;
      const key = keys[index % keys.length] ?? '';
      return replica.lock.withDocumentLock(key, () => detector.inside(key, index % 3));
    });
    await Promise.all(calls);
    expect(detector.overlaps).toBe(0);
    expect(replicaA.lock.heldDocumentLocks()).toBe(0);
    expect(replicaB.lock.heldDocumentLocks()).toBe(0);
    expect(await leaseCount()).toBe(0);
  });

  it("both replicas meeting a crashed holder's expired lease: one takes it over, the other waits its turn", async () => {
    const detector = overlapDetector();
    for (let round = 0; round < 20; round += 1) {
      const key = newKey();
      await database.db
        .collection<{ _id: string; owner: string; expiresAt: Date }>(COLLECTIONS.locks)
        .insertOne({ _id: key, owner: 'crashed', expiresAt: new Date(Date.now() - 1000) });
      const ran: string[] = [];
      await Promise.all([
        replicaA.lock.withDocumentLock(key, async () => {
          ran.push('a');
          await detector.inside(key, 5);
        }),
        replicaB.lock.withDocumentLock(key, async () => {
          ran.push('b');
          await detector.inside(key, 5);
        }),
      ]);
      expect(ran.sort()).toEqual(['a', 'b']);
    }
    expect(detector.overlaps).toBe(0);
    expect(await leaseCount()).toBe(0);
  });
});
