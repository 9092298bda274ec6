import type { Collection, Db, Document, FindCursor } from 'mongodb';
import type {
  DirectoryIndex,
  DirectoryIndexLoad,
  DirectorySnapshot,
} from '../../commands/engine/directory-index.js';
import { bindingSchema, directoryUserSchema } from '../../commands/engine/model.js';
import { COLLECTIONS } from '../collections.js';
import { parseStored, StorageGuard } from '../errors.js';

export interface DirectoryIndexOptions {
  /**
   * Documents per cursor batch: memory in flight stays bounded by one batch of projected documents (about
   * 1.5 MB at the default 10,000; fewer round trips than the driver's 1,000 for a read of the whole directory).
   */
  batchSize?: number;
}

const indexedUserSchema = directoryUserSchema.pick({ emailLower: true, importedFromM365Id: true });
const indexedBindingSchema = bindingSchema.pick({ userId: true, m365Id: true });

/** The directory needs more than `maxEntries` entries: the caller falls back to per-page lookups. */
class TooLarge extends Error {}

/** Maps held as plain strings (no object per entry): the compact form the memory figures are measured on. */
class MapSnapshot implements DirectorySnapshot {
  constructor(
    private readonly importedFromByEmail: ReadonlyMap<string, string | null>,
    private readonly userIdByM365Id: ReadonlyMap<string, string>,
  ) {}

  userByEmail(emailLower: string): { importedFromM365Id: string | null } | undefined {
    const importedFromM365Id = this.importedFromByEmail.get(emailLower);
    return importedFromM365Id === undefined ? undefined : { importedFromM365Id };
  }

  boundUserId(m365Id: string): string | undefined {
    return this.userIdByM365Id.get(m365Id);
  }

  get size(): { users: number; bindings: number } {
    return { users: this.importedFromByEmail.size, bindings: this.userIdByM365Id.size };
  }
}

/**
 * Read-only. Each collection is read with one cursor, projected to the fields classification needs, without
 * a sort (FerretDB 1.24 sorts in memory; the order does not matter here). Documents are validated against the
 * model's own field rules, so a malformed record is reported with its collection and id as elsewhere.
 */
export class MongoDirectoryIndex implements DirectoryIndex {
  private readonly users: Collection;
  private readonly bindings: Collection;
  private readonly guard: StorageGuard;
  private readonly batchSize: number;

  constructor(db: Db, options: DirectoryIndexOptions = {}) {
    this.users = db.collection(COLLECTIONS.users);
    this.bindings = db.collection(COLLECTIONS.bindings);
    this.guard = new StorageGuard(db);
    this.batchSize = options.batchSize ?? 10_000;
  }

  async load({ maxEntries, signal }: DirectoryIndexLoad): Promise<DirectorySnapshot | null> {
    // The collections' metadata counts first, so a directory far above the bound is not read at all.
    const [userCount, bindingCount] = await Promise.all([
      this.countOf(this.users),
      this.countOf(this.bindings),
    ]);
    if (userCount + bindingCount > maxEntries) return null;
    const importedFromByEmail = new Map<string, string | null>();
    const userIdByM365Id = new Map<string, string>();
    const budget = { left: maxEntries };
    try {
      await this.read(this.userCursor(), budget, signal, (document) => {
        const user = parseStored(indexedUserSchema, COLLECTIONS.users, String(document['_id']), document);
        importedFromByEmail.set(user.emailLower, user.importedFromM365Id);
      });
      await this.read(this.bindingCursor(), budget, signal, (document) => {
        const recordId = typeof document['userId'] === 'string' ? document['userId'] : '(no userId)';
        const binding = parseStored(indexedBindingSchema, COLLECTIONS.bindings, recordId, document);
        if (binding.m365Id !== null) userIdByM365Id.set(binding.m365Id, binding.userId);
      });
    } catch (error) {
      if (error instanceof TooLarge) return null;
      throw error;
    }
    return new MapSnapshot(importedFromByEmail, userIdByM365Id);
  }

  /**
   * The collection's document count from its metadata ($collStats: 60 ms for 30,000 users on FerretDB 1.24,
   * where estimatedDocumentCount scans the collection: 5.4 s). Only a shortcut: when it fails (a collection not
   * created yet, a server without the stage), 0 leaves the bound to the count kept while reading, and a
   * database that is really unavailable fails that read. Protected: tests make it under-count on purpose.
   */
  protected async countOf(collection: Collection): Promise<number> {
    try {
      const [stats] = await collection
        .aggregate<{ count?: unknown }>([{ $collStats: { count: {} } }])
        .toArray();
      return typeof stats?.count === 'number' ? stats.count : 0;
    } catch {
      return 0;
    }
  }

  private userCursor(): FindCursor<Document> {
    return this.users
      .find({}, { projection: { _id: 1, emailLower: 1, importedFromM365Id: 1 } })
      .batchSize(this.batchSize);
  }

  private bindingCursor(): FindCursor<Document> {
    return this.bindings.find({}, { projection: { _id: 0, userId: 1, m365Id: 1 } }).batchSize(this.batchSize);
  }

  /** Feeds every document to `add`, counting each against the shared budget; always closes the cursor. */
  private async read(
    cursor: FindCursor<Document>,
    budget: { left: number },
    signal: AbortSignal | undefined,
    add: (document: Document) => void,
  ): Promise<void> {
    try {
      for await (const document of cursor) {
        signal?.throwIfAborted();
        budget.left -= 1;
        // Counted while reading too: the directory may have grown since the metadata counts were taken.
        if (budget.left < 0) throw new TooLarge();
        add(document);
      }
    } catch (error) {
      throw this.guard.translate(error);
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }
}
