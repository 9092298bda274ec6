import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { z } from 'zod';
import { LockTimeoutError } from '../../commands/errors.js';
import { COLLECTIONS } from '../collections.js';
import { isDuplicateKeyError, parseStored, StorageGuard } from '../errors.js';
import { parseInput } from './shared.js';

/**
 * Serialises read-modify-write operations on one document, within this process and across bot replicas.
 *
 * Why: MongoDB applies a conditional update (findOneAndUpdate / updateOne with a state precondition)
 * atomically, but FerretDB 1.24's SQLite handler does not: it reads the matching document and writes the
 * whole updated document back in separate steps (FerretDB issue #3040), so two concurrent "bound → blocked"
 * transitions both succeed and concurrent $set's on different fields lose one another (measured: 48 of 50
 * concurrent transition pairs both "won"). Callers may also run read-then-write sequences that are not
 * atomic on MongoDB either. So a lock is taken in two layers:
 *   1. an in-process queue per key: writers in one process wait for each other in memory, and only the head
 *      of the queue talks to the database;
 *   2. a lease in the `locks` collection of the same database: insert { _id: key, owner, expiresAt }. A
 *      unique-_id insert is atomic on FerretDB (SQLite enforces the constraint transactionally) and MongoDB
 *      alike, so exactly one replica gets it; the others back off (jittered) and retry until maxWaitMs, then
 *      fail with LockTimeoutError (policy 'retry'). Release deletes { _id: key, owner }.
 * A crashed holder's lease stays until its expiresAt (no TTL index: FerretDB has none); then it is taken over
 * through a one-off claim { _id: key + TAKEOVER + staleOwner }: only the replica whose claim insert wins
 * deletes the stale lease, so two replicas can never both remove a lease and both insert their own. A holder
 * renews its lease while its action runs, because FerretDB's owner-conditional delete and update are
 * themselves read-then-write: they are safe only while the lease they check has not expired.
 * Leases use each process's wall clock, so replicas' clocks must agree to well within leaseMs.
 */

const lockOptionsSchema = z.object({
  /** How long a lease lasts without renewal: how long a crashed holder blocks its record. */
  leaseMs: z.number().int().min(100).default(30_000),
  /** How long to wait for another process's lease before giving up with LockTimeoutError. */
  maxWaitMs: z.number().int().min(0).default(10_000),
});
export type DocumentLockOptions = z.input<typeof lockOptionsSchema>;

const leaseSchema = z.object({ _id: z.string(), owner: z.string(), expiresAt: z.date() });
type Lease = z.infer<typeof leaseSchema>;

/** Separates a claim's id from the key it takes over; no collection or document id contains it. */
const TAKEOVER = '#takeover-of:';
const FIRST_BACKOFF_MS = 2;
const MAX_BACKOFF_MS = 100;
const RELEASE_ATTEMPTS = 4;

function backoffMs(attempt: number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempt);
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/** The one-off claim through which a stale lease on `key` is taken over (tests plant crashed claims with it). */
export function claimKeyFor(key: string, staleOwner: string): string {
  return `${key}${TAKEOVER}${staleOwner}`;
}

/** The record a key names, without the database: "<collection>/<id>". */
function resourceOf(key: string): string {
  return key.slice(key.indexOf('/') + 1);
}

/** The leases of one database: no process-wide state, so each instance behaves like its own process. */
export class DocumentLeases {
  private readonly collection: Collection<Lease>;
  private readonly guard: StorageGuard;
  readonly leaseMs: number;
  readonly maxWaitMs: number;

  constructor(db: Db, options: DocumentLockOptions = {}) {
    const parsed = parseInput(lockOptionsSchema, options, 'The document lock options');
    this.collection = db.collection<Lease>(COLLECTIONS.locks);
    this.guard = new StorageGuard(db);
    this.leaseMs = parsed.leaseMs;
    this.maxWaitMs = parsed.maxWaitMs;
  }

  /** Runs `action` holding the lease on `key`, renewing it meanwhile; releases it whatever happens. */
  async hold<T>(key: string, action: () => Promise<T>): Promise<T> {
    const owner = await this.acquire(key);
    let renewing: Promise<unknown> = Promise.resolve();
    const renewal = setInterval(() => {
      // A failed renewal is retried at the next tick; the lease only lapses if renewals fail for leaseMs.
      renewing = renewing.then(() => this.renew(key, owner)).catch(() => false);
    }, this.leaseMs / 3);
    renewal.unref();
    try {
      return await action();
    } finally {
      clearInterval(renewal);
      // A renewal still in flight must not write the lease back after it was released (FerretDB), so the
      // renewals are chained and the chain is awaited before the release.
      await renewing;
      await this.releaseSoon(key, owner);
    }
  }

  /** Waits for the lease on `key`; returns this holding's owner nonce. */
  async acquire(key: string): Promise<string> {
    const deadline = Date.now() + this.maxWaitMs;
    for (let attempt = 0; ; attempt += 1) {
      const owner = (await this.tryAcquire(key)) ?? (await this.takeOverIfStale(key));
      if (owner !== null) return owner;
      const wait = backoffMs(attempt);
      if (Date.now() + wait > deadline) throw await this.timeout(key);
      await sleep(wait);
    }
  }

  /** One attempt: the owner nonce when this insert created the lease, null when someone holds it. */
  async tryAcquire(key: string): Promise<string | null> {
    const owner = randomUUID();
    const lease: Lease = { _id: key, owner, expiresAt: new Date(Date.now() + this.leaseMs) };
    return this.guard.run(async () => {
      try {
        await this.collection.insertOne(lease);
        return owner;
      } catch (error) {
        if (isDuplicateKeyError(error)) return null;
        throw error;
      }
    });
  }

  /**
   * Takes over the lease on `key` left by `staleOwner`; the owner nonce when this process now holds it, null
   * when another process does. Atomic through the claim: of concurrent takeovers only the claim's winner
   * deletes the stale lease. The winner's own insert can still lose to a plain acquire that came after the
   * delete; either way exactly one process holds the key.
   */
  async takeOver(key: string, staleOwner: string): Promise<string | null> {
    const claimKey = claimKeyFor(key, staleOwner);
    // A claim whose taker crashed mid-takeover is stale in turn, and taken over the same way.
    const claim = (await this.tryAcquire(claimKey)) ?? (await this.takeOverIfStale(claimKey));
    if (claim === null) return null;
    try {
      await this.guard.run(() => this.collection.deleteOne({ _id: key, owner: staleOwner }));
      return await this.tryAcquire(key);
    } finally {
      await this.release(claimKey, claim).catch(() => undefined);
    }
  }

  /**
   * Releases, retrying a failed release a few times (an overloaded database answers again in a moment): a
   * lease left behind blocks its record until it lapses (leaseMs), longer than other writers wait for it.
   * If the database stays gone, the lease lapses after leaseMs and is taken over then.
   */
  private async releaseSoon(key: string, owner: string): Promise<void> {
    for (let attempt = 0; attempt < RELEASE_ATTEMPTS; attempt += 1) {
      try {
        await this.release(key, owner);
        return;
      } catch {
        await sleep(backoffMs(attempt + 3));
      }
    }
  }

  async release(key: string, owner: string): Promise<void> {
    await this.guard.run(() => this.collection.deleteOne({ _id: key, owner }));
  }

  /** Extends a held lease; false when it is no longer this owner's (it lapsed and was taken over). */
  async renew(key: string, owner: string): Promise<boolean> {
    const expiresAt = new Date(Date.now() + this.leaseMs);
    const result = await this.guard.run(() =>
      this.collection.updateOne({ _id: key, owner }, { $set: { expiresAt } }),
    );
    return result.matchedCount === 1;
  }

  private async current(key: string): Promise<Lease | null> {
    const document = await this.guard.run(() => this.collection.findOne({ _id: key }));
    return document === null ? null : parseStored(leaseSchema, COLLECTIONS.locks, key, document);
  }

  /** After a lost insert: take the lease over when its holder's time is up, or retry at once when it is gone. */
  private async takeOverIfStale(key: string): Promise<string | null> {
    const holder = await this.current(key);
    if (holder === null) return this.tryAcquire(key);
    return holder.expiresAt.getTime() <= Date.now() ? this.takeOver(key, holder.owner) : null;
  }

  private async timeout(key: string): Promise<LockTimeoutError> {
    const holder = await this.current(key).catch(() => null);
    const remaining = holder === null ? 0 : holder.expiresAt.getTime() - Date.now();
    return new LockTimeoutError(resourceOf(key), Math.min(this.leaseMs, Math.max(1000, remaining)));
  }
}

/**
 * The database each lock key's leases live in, by database name. Registered by createRepositories(db), so
 * withDocumentLock(key, action) keeps its signature and no repository method has to carry the Db: lock keys
 * already start with their database's name ("<database>/<collection>/<id>"), which selects the registration.
 * A process normally has one Db per database name; registering the same name again replaces it.
 */
const leasesByDatabase = new Map<string, DocumentLeases>();

export function registerLockDatabase(db: Db, options: DocumentLockOptions = {}): void {
  leasesByDatabase.set(db.databaseName, new DocumentLeases(db, options));
}

function leasesFor(key: string): DocumentLeases {
  const databaseName = key.slice(0, Math.max(0, key.indexOf('/')));
  const leases = leasesByDatabase.get(databaseName);
  if (leases === undefined) {
    throw new Error(
      `No database is registered for the document lock "${key}": lock keys are "<database>/<collection>/<id>", and the database must be registered first (createRepositories(db) or registerLockDatabase(db)).`,
    );
  }
  return leases;
}

/** The in-process queue: the promise the last writer of each key resolves when it is done. */
const tails = new Map<string, Promise<void>>();

/**
 * Runs `action` while holding the lock on `key` ("<database>/<collection>/<id>"): after every earlier writer
 * of that key in this process, and while holding its lease in the database against other processes.
 */
export async function withDocumentLock<T>(key: string, action: () => Promise<T>): Promise<T> {
  const leases = leasesFor(key);
  const previous = tails.get(key) ?? Promise.resolve();
  let release: () => void = () => undefined;
  const current = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => current);
  tails.set(key, tail);
  await previous;
  try {
    return await leases.hold(key, action);
  } finally {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  }
}

/** How many documents are waiting on or holding a lock in this process (tests: it must drain back to zero). */
export function heldDocumentLocks(): number {
  return tails.size;
}
