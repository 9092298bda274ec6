import type { Db } from 'mongodb';
import { COLLECTIONS } from './collections.js';
import { isDuplicateKeyError } from './errors.js';

/**
 * Changes to how records are keyed, applied at start-up before the indexes; each is idempotent and safe to
 * run from several replicas at once. A migration that completed is recorded in the migrations collection and
 * not run again: a scan of a large collection at every start is what it would otherwise cost (FerretDB
 * answers a `$type` filter by reading the whole table).
 */

/**
 * Bindings were first stored under generated ObjectIds with a unique index on userId; they are now keyed by
 * their user's id (`_id` = `userId`), which is unique by itself. The old index goes first (it would refuse
 * the copy), then each old record is copied under its new key (a replica that lost the race sees a duplicate
 * key, which is fine) and only then removed, so a crash in between leaves a copy, never a loss.
 */
const LEGACY_USER_ID_INDEX = 'userId_unique';

async function keyBindingsByUserId(db: Db): Promise<number> {
  // Typed loosely on purpose: old and new records differ in the type of their _id.
  const bindings = db.collection<{ _id: unknown; [field: string]: unknown }>(COLLECTIONS.bindings);
  // A collection that does not exist yet has no indexes (listIndexes fails on it).
  const indexes: { name?: unknown }[] = await bindings
    .listIndexes()
    .toArray()
    .catch(() => []);
  if (indexes.some((index) => index.name === LEGACY_USER_ID_INDEX)) {
    await bindings.dropIndex(LEGACY_USER_ID_INDEX).catch(() => undefined);
  }
  let moved = 0;
  for await (const old of bindings.find({ _id: { $type: 'objectId' } })) {
    const { _id: oldId, ...fields } = old;
    const userId: unknown = fields['userId'];
    if (typeof userId !== 'string') continue;
    try {
      await bindings.insertOne({ ...fields, _id: userId });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    await bindings.deleteOne({ _id: oldId });
    moved += 1;
  }
  return moved;
}

interface Migration {
  name: string;
  apply: (db: Db) => Promise<unknown>;
}

const MIGRATIONS: readonly Migration[] = [{ name: 'bindings-keyed-by-user-id', apply: keyBindingsByUserId }];

export async function migrateRecordKeys(db: Db): Promise<void> {
  const applied = db.collection<{ _id: string; appliedAt: Date }>(COLLECTIONS.migrations);
  for (const migration of MIGRATIONS) {
    if ((await applied.countDocuments({ _id: migration.name }, { limit: 1 })) > 0) continue;
    await migration.apply(db);
    try {
      await applied.insertOne({ _id: migration.name, appliedAt: new Date() });
    } catch (error) {
      // Another replica finished the same migration first.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
}
