import type { Collection, Db } from 'mongodb';
import { z } from 'zod';
import { conversationRefSchema, messageRefSchema } from '../../../commands/chat/model.js';
import type { ConversationRefs, TrackedMessages } from '../../../commands/chat/ports.js';
import type { ConversationRef, MessageRef, Platform } from '../../../commands/chat/types.js';
import { COLLECTIONS } from '../../collections.js';
import { isDuplicateKeyError, StorageGuard } from '../../errors.js';
import { parseInput } from '../shared.js';
import { fromDocument } from './shared.js';

/**
 * The messages that show a request's card, and conversation references to post to later. Both are keyed by
 * their natural id, so recording the same message or conversation twice is one idempotent upsert.
 */

const trackedSchema = z.object({ key: z.string().min(1), message: messageRefSchema });
type TrackedDocument = z.infer<typeof trackedSchema> & { _id: string };
type ConversationDocument = ConversationRef & { _id: string };

export class MongoTrackedMessages implements TrackedMessages {
  private readonly collection: Collection<TrackedDocument>;
  private readonly guard: StorageGuard;

  constructor(db: Db) {
    this.collection = db.collection<TrackedDocument>(COLLECTIONS.chatTrackedMessages);
    this.guard = new StorageGuard(db);
  }

  async add(key: string, message: MessageRef): Promise<void> {
    const parsed = parseInput(trackedSchema, { key, message }, 'The tracked message');
    const { platform, id } = parsed.message.conversation;
    const _id = `${key}|${platform}|${id}|${parsed.message.messageId}`;
    await this.guard.run(async () => {
      try {
        await this.collection.updateOne({ _id }, { $setOnInsert: { _id, ...parsed } }, { upsert: true });
      } catch (error) {
        // Two concurrent upserts of the same message: the other one recorded it.
        if (!isDuplicateKeyError(error)) throw error;
      }
    });
  }

  async list(key: string): Promise<MessageRef[]> {
    const documents = await this.guard.run(() => this.collection.find({ key }).sort({ _id: 1 }).toArray());
    return documents.map(
      (document) => fromDocument(trackedSchema, COLLECTIONS.chatTrackedMessages, document).message,
    );
  }
}

export class MongoConversationRefs implements ConversationRefs {
  private readonly collection: Collection<ConversationDocument>;
  private readonly guard: StorageGuard;

  constructor(db: Db) {
    this.collection = db.collection<ConversationDocument>(COLLECTIONS.chatConversations);
    this.guard = new StorageGuard(db);
  }

  async remember(conversation: ConversationRef): Promise<void> {
    const parsed = parseInput(conversationRefSchema, conversation, 'The conversation reference');
    const _id = `${parsed.platform}|${parsed.id}`;
    await this.guard.run(async () => {
      try {
        await this.collection.replaceOne({ _id }, parsed, { upsert: true });
      } catch (error) {
        // Two concurrent first sightings of the conversation: the other one recorded it.
        if (!isDuplicateKeyError(error)) throw error;
      }
    });
  }

  async find(platform: Platform, id: string): Promise<ConversationRef | null> {
    const document = await this.guard.run(() => this.collection.findOne({ _id: `${platform}|${id}` }));
    return document === null
      ? null
      : fromDocument(conversationRefSchema, COLLECTIONS.chatConversations, document);
  }
}
