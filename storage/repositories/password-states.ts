import type { Collection, Db } from 'mongodb';
import { z } from 'zod';
import { passwordStateSchema, type PasswordState } from '../../commands/engine/model.js';
import { COLLECTIONS } from '../collections.js';
import { parseStored, StorageGuard } from '../errors.js';
import { chunk, IN_QUERY_CHUNK, parseInput, writeOrder } from './shared.js';

/**
 * Directory users' password states, append-only: each password the directory sets is one inserted record,
 * and a user's state is the last one written. Why not a field updated on the user: on FerretDB 1.24 an update
 * finds its document by scanning the whole table (the `_id` filter does not match the `_id` index), ~45 ms
 * per user at 2,000 users against ~1 ms for an insert, and a bulk bind sets one password per user. On MongoDB
 * both are index operations. Never the password itself: only when it was set and when it expires.
 */

const recordSchema = passwordStateSchema.extend({
  userId: z.string(),
  at: z.date(),
  seq: z.number().int(),
});
type PasswordStateRecord = z.infer<typeof recordSchema>;

function stateOf(record: PasswordStateRecord): PasswordState {
  return { setAt: record.setAt, expiresAt: record.expiresAt, policyVersion: record.policyVersion };
}

/** Whether `a` was written after `b`. */
const later = (a: PasswordStateRecord, b: PasswordStateRecord): boolean =>
  a.at.getTime() !== b.at.getTime() ? a.at.getTime() > b.at.getTime() : a.seq > b.seq;

export class PasswordStates {
  private readonly collection: Collection<PasswordStateRecord>;
  private readonly guard: StorageGuard;

  constructor(db: Db) {
    this.collection = db.collection<PasswordStateRecord>(COLLECTIONS.passwordStates);
    this.guard = new StorageGuard(db);
  }

  async record(userId: string, state: PasswordState): Promise<void> {
    const parsed = parseInput(passwordStateSchema, state, `The password state for directory user ${userId}`);
    const record: PasswordStateRecord = { ...parsed, userId, ...writeOrder() };
    await this.guard.run(() => this.collection.insertOne(record));
  }

  /** The current state of each of these users that has one. */
  async current(userIds: readonly string[]): Promise<Map<string, PasswordState>> {
    const latest = new Map<string, PasswordStateRecord>();
    for (const ids of chunk([...new Set(userIds)], IN_QUERY_CHUNK)) {
      const documents = await this.guard.run(() =>
        this.collection.find({ userId: ids.length === 1 ? ids[0] : { $in: ids } }).toArray(),
      );
      for (const document of documents) {
        const record = parseStored(recordSchema, COLLECTIONS.passwordStates, document.userId, document);
        const known = latest.get(record.userId);
        if (known === undefined || later(record, known)) latest.set(record.userId, record);
      }
    }
    return new Map([...latest].map(([userId, record]) => [userId, stateOf(record)]));
  }
}
