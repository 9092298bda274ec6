import { ObjectId, type Collection, type Db, type Document, type Filter } from 'mongodb';
import { z } from 'zod';
import type { AuditLog, AuditQuery } from '../../commands/engine/ports.js';
import { auditEventSchema, type AuditEvent, type NewAuditEvent } from '../../commands/engine/model.js';
import { COLLECTIONS } from '../collections.js';
import { parseStored, StorageGuard } from '../errors.js';
import { assertNoSecretKeys } from './secret-keys.js';
import { parseInput, systemClock, type RepositoryOptions } from './shared.js';

export const AUDIT_QUERY_DEFAULT_LIMIT = 100;
export const AUDIT_QUERY_MAX_LIMIT = 1000;

/**
 * Stored shape: _id is an ObjectId, whose hex string is the event id. ObjectIds grow within a process, so
 * sorting by (at, _id) puts events appended in the same millisecond in the order they were appended.
 */
type AuditDocument = Omit<AuditEvent, 'id'> & { _id: ObjectId };

const newAuditEventSchema = auditEventSchema.omit({ id: true, at: true });
const auditQuerySchema = z.object({
  target: z.string().optional(),
  operationId: z.string().optional(),
  since: z.date().optional(),
  limit: z.number().int().min(1).optional(),
});

function fromDocument(document: Document): AuditEvent {
  const { _id: objectId, ...fields } = document;
  const id = objectId instanceof ObjectId ? objectId.toHexString() : String(objectId);
  return parseStored(auditEventSchema, COLLECTIONS.audit, id, { ...fields, id });
}

/** Append-only by construction: there is no method that updates or deletes an event. */
export class MongoAuditLog implements AuditLog {
  private readonly collection: Collection<AuditDocument>;
  private readonly guard: StorageGuard;
  private readonly clock;

  constructor(db: Db, options: RepositoryOptions = {}) {
    this.collection = db.collection<AuditDocument>(COLLECTIONS.audit);
    this.guard = new StorageGuard(db);
    this.clock = options.clock ?? systemClock;
  }

  async append(event: NewAuditEvent): Promise<AuditEvent> {
    assertNoSecretKeys(event.parameters, `the audit event "${event.action}"`);
    const fields = parseInput(newAuditEventSchema, event, `The audit event "${event.action}"`);
    const document: AuditDocument = { _id: new ObjectId(), at: this.clock.now(), ...fields };
    await this.guard.run(() => this.collection.insertOne(document));
    const { _id: objectId, ...stored } = document;
    return { id: objectId.toHexString(), ...stored };
  }

  async outcomesOf(operationId: string, action: string): Promise<Map<string, AuditEvent['outcome']>> {
    const latest = new Map<string, AuditEvent['outcome']>();
    const cursor = this.collection
      .find({ operationId, action }, { projection: { target: 1, outcome: 1, at: 1 } })
      .sort({ at: 1, _id: 1 });
    await this.guard.run(async () => {
      for await (const event of cursor) {
        if (typeof event.target === 'string') latest.set(event.target.toLowerCase(), event.outcome);
      }
    });
    return latest;
  }

  /** Newest first; `limit` defaults to 100 and is capped at 1,000. */
  async query(query: AuditQuery): Promise<AuditEvent[]> {
    const { target, operationId, since, limit } = parseInput(auditQuerySchema, query, 'The audit query');
    const filter: Filter<AuditDocument> = {
      ...(target === undefined ? {} : { target }),
      ...(operationId === undefined ? {} : { operationId }),
      ...(since === undefined ? {} : { at: { $gte: since } }),
    };
    const documents = await this.guard.run(() =>
      this.collection
        .find(filter)
        .sort({ at: -1, _id: -1 })
        .limit(Math.min(limit ?? AUDIT_QUERY_DEFAULT_LIMIT, AUDIT_QUERY_MAX_LIMIT))
        .toArray(),
    );
    return documents.map(fromDocument);
  }
}
