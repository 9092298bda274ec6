import type { Collection, Db, Document } from 'mongodb';
import { z } from 'zod';
import type { ConnectionStore } from '../../commands/engine/ports.js';
import { actorSchema, connectionSchema, type Actor, type Connection } from '../../commands/engine/model.js';
import { COLLECTIONS } from '../collections.js';
import { parseStored, StorageGuard } from '../errors.js';
import { withDocumentLock } from './document-lock.js';
import { parseInput, systemClock, type RepositoryOptions } from './shared.js';

/** The bot serves one tenant, so the connection is one document under a fixed id. */
const CONNECTION_ID = 'connection';

type ConnectionDocument = Connection & { _id: string };

const tenantIdSchema = z.string().trim().min(1);

function fromDocument(document: Document): Connection {
  return parseStored(connectionSchema, COLLECTIONS.connection, CONNECTION_ID, document);
}

/**
 * `authorisedBy` and `since` describe the current status: after activate, who connected the tenant and when;
 * after deactivate, who deactivated it and when (the audit log keeps the full history).
 */
export class MongoConnectionStore implements ConnectionStore {
  private readonly collection: Collection<ConnectionDocument>;
  private readonly guard: StorageGuard;
  private readonly clock;
  private readonly lockKey: string;

  constructor(db: Db, options: RepositoryOptions = {}) {
    this.collection = db.collection<ConnectionDocument>(COLLECTIONS.connection);
    this.guard = new StorageGuard(db);
    this.clock = options.clock ?? systemClock;
    this.lockKey = `${db.databaseName}/${COLLECTIONS.connection}/${CONNECTION_ID}`;
  }

  async get(): Promise<Connection | null> {
    const document = await this.guard.run(() => this.collection.findOne({ _id: CONNECTION_ID }));
    return document === null ? null : fromDocument(document);
  }

  /** Upsert: the first activation creates the record; any later one (same or another tenant) replaces it. */
  async activate(tenantId: string, actor: Actor): Promise<Connection> {
    const record: Connection = {
      tenantId: parseInput(tenantIdSchema, tenantId, 'The tenant id'),
      status: 'active',
      authorisedBy: parseInput(actorSchema, actor, 'The actor'),
      since: this.clock.now(),
    };
    const stored = await withDocumentLock(this.lockKey, () =>
      this.guard.run(() =>
        this.collection.findOneAndUpdate(
          { _id: CONNECTION_ID },
          { $set: record },
          { upsert: true, returnDocument: 'after' },
        ),
      ),
    );
    if (stored === null) throw new Error('The connection upsert returned no document.');
    return fromDocument(stored);
  }

  async deactivate(actor: Actor): Promise<Connection | null> {
    const changes = {
      status: 'deactivated' as const,
      authorisedBy: parseInput(actorSchema, actor, 'The actor'),
      since: this.clock.now(),
    };
    const stored = await withDocumentLock(this.lockKey, () =>
      this.guard.run(() =>
        this.collection.findOneAndUpdate(
          { _id: CONNECTION_ID, status: 'active' },
          { $set: changes },
          { returnDocument: 'after' },
        ),
      ),
    );
    return stored === null ? null : fromDocument(stored);
  }
}
