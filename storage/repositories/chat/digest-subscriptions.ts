import type { Collection, Db } from 'mongodb';
import { digestSubscriptionSchema, type DigestSubscription } from '../../../commands/chat/model.js';
import type { DigestSubscriptions } from '../../../commands/chat/ports.js';
import { COLLECTIONS } from '../../collections.js';
import { StorageGuard } from '../../errors.js';
import { withDocumentLock } from '../document-lock.js';
import { parseInput } from '../shared.js';
import { fromDocument, lockKey } from './shared.js';

/**
 * Digest subscriptions, one per conversation. The day of the last post is claimed with one conditional
 * update ({ lastPostedDay: { $ne: day } }), so two runs of the job (a retry, a second replica) post once.
 */
type SubscriptionDocument = Omit<DigestSubscription, 'id'> & { _id: string };

export class MongoDigestSubscriptions implements DigestSubscriptions {
  private readonly collection: Collection<SubscriptionDocument>;
  private readonly guard: StorageGuard;

  constructor(private readonly db: Db) {
    this.collection = db.collection<SubscriptionDocument>(COLLECTIONS.chatDigests);
    this.guard = new StorageGuard(db);
  }

  private locked<T>(id: string, action: () => Promise<T>): Promise<T> {
    return withDocumentLock(lockKey(this.db, COLLECTIONS.chatDigests, id), () => this.guard.run(action));
  }

  async put(subscription: DigestSubscription): Promise<void> {
    const { id, ...fields } = parseInput(digestSubscriptionSchema, subscription, 'The digest subscription');
    await this.locked(id, () => this.collection.replaceOne({ _id: id }, fields, { upsert: true }));
  }

  async get(id: string): Promise<DigestSubscription | null> {
    const document = await this.guard.run(() => this.collection.findOne({ _id: id }));
    return document === null
      ? null
      : fromDocument(digestSubscriptionSchema, COLLECTIONS.chatDigests, document, 'id');
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.locked(id, () => this.collection.deleteOne({ _id: id }));
    return result.deletedCount === 1;
  }

  async claimDay(id: string, day: string): Promise<boolean> {
    const claimed = await this.locked(id, () =>
      this.collection.findOneAndUpdate(
        { _id: id, lastPostedDay: { $ne: day } },
        { $set: { lastPostedDay: day } },
        { returnDocument: 'after' },
      ),
    );
    return claimed !== null;
  }

  async releaseDay(id: string, day: string, previous: string | null): Promise<void> {
    await this.locked(id, () =>
      this.collection.updateOne({ _id: id, lastPostedDay: day }, { $set: { lastPostedDay: previous } }),
    );
  }
}
