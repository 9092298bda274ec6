import type { Collection, Db } from 'mongodb';
import { roleGrantSchema, type Role, type RoleGrant } from '../../../commands/chat/model.js';
import type { ChatRoles } from '../../../commands/chat/ports.js';
import type { Platform } from '../../../commands/chat/types.js';
import { COLLECTIONS } from '../../collections.js';
import { StorageGuard } from '../../errors.js';
import { withDocumentLock } from '../document-lock.js';
import { parseInput } from '../shared.js';
import { fromDocument, lockKey } from './shared.js';

/** Role grants, one document per person: _id is `platform/ChatUser.id`. */
type RoleDocument = RoleGrant & { _id: string };

const idOf = (platform: Platform, userId: string): string => `${platform}/${userId}`;

export class MongoChatRoles implements ChatRoles {
  private readonly collection: Collection<RoleDocument>;
  private readonly guard: StorageGuard;

  constructor(private readonly db: Db) {
    this.collection = db.collection<RoleDocument>(COLLECTIONS.chatRoles);
    this.guard = new StorageGuard(db);
  }

  async get(platform: Platform, userId: string): Promise<RoleGrant | null> {
    const document = await this.guard.run(() => this.collection.findOne({ _id: idOf(platform, userId) }));
    return document === null ? null : fromDocument(roleGrantSchema, COLLECTIONS.chatRoles, document);
  }

  async list(): Promise<RoleGrant[]> {
    const documents = await this.guard.run(() => this.collection.find({}).sort({ _id: 1 }).toArray());
    return documents.map((document) => fromDocument(roleGrantSchema, COLLECTIONS.chatRoles, document));
  }

  async put(grant: RoleGrant): Promise<RoleGrant> {
    const parsed = parseInput(roleGrantSchema, grant, 'The role grant');
    const id = idOf(parsed.platform, parsed.userId);
    await withDocumentLock(lockKey(this.db, COLLECTIONS.chatRoles, id), () =>
      this.guard.run(() => this.collection.replaceOne({ _id: id }, parsed, { upsert: true })),
    );
    return parsed;
  }

  async remove(platform: Platform, userId: string, role: Role): Promise<boolean> {
    const id = idOf(platform, userId);
    const result = await withDocumentLock(lockKey(this.db, COLLECTIONS.chatRoles, id), () =>
      this.guard.run(() => this.collection.deleteOne({ _id: id, role })),
    );
    return result.deletedCount === 1;
  }
}
