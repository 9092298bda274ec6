import { ObjectId, type Collection, type Db, type Document } from 'mongodb';
import { auditEventSchema, type AuditEvent } from '../../../commands/engine/model.js';
import type { ChatAuditReader } from '../../../commands/chat/ports.js';
import { COLLECTIONS } from '../../collections.js';
import { parseStored, StorageGuard } from '../../errors.js';

/**
 * Read-only questions the digest asks of the audit log (the engine's AuditLog port has no action or outcome
 * filter). Served by the action_target_at and outcome_at indexes.
 */

function fromDocument(document: Document): AuditEvent {
  const { _id: objectId, ...fields } = document;
  const id = objectId instanceof ObjectId ? objectId.toHexString() : String(objectId);
  return parseStored(auditEventSchema, COLLECTIONS.audit, id, { ...fields, id });
}

export class MongoChatAuditReader implements ChatAuditReader {
  private readonly collection: Collection;
  private readonly guard: StorageGuard;

  constructor(db: Db) {
    this.collection = db.collection(COLLECTIONS.audit);
    this.guard = new StorageGuard(db);
  }

  async latestTenantEvent(action: string): Promise<AuditEvent | null> {
    const [document] = await this.guard.run(() =>
      this.collection.find({ action, target: null }).sort({ at: -1, _id: -1 }).limit(1).toArray(),
    );
    return document === undefined ? null : fromDocument(document);
  }

  async failuresSince(since: Date, limit: number): Promise<{ count: number; recent: AuditEvent[] }> {
    const filter = { outcome: 'failed', at: { $gte: since } };
    const [count, documents] = await Promise.all([
      this.guard.run(() => this.collection.countDocuments(filter)),
      this.guard.run(() => this.collection.find(filter).sort({ at: -1, _id: -1 }).limit(limit).toArray()),
    ]);
    return { count, recent: documents.map(fromDocument) };
  }
}
