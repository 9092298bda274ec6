import type { Collection, Db, Document, Filter, FindCursor } from 'mongodb';
import type { BindingFilter, Bindings } from '../../commands/engine/ports.js';
import {
  BINDING_STATES,
  bindingSchema,
  bindingStateSchema,
  type Binding,
  type BindingState,
} from '../../commands/engine/model.js';
import { COLLECTIONS, normaliseEmail } from '../collections.js';
import { isCursorLostError, isDuplicateKeyError, parseStored, StorageGuard } from '../errors.js';
import { withDocumentLock } from './document-lock.js';
import {
  chunk,
  definedOnly,
  IN_QUERY_CHUNK,
  parseInput,
  systemClock,
  type RepositoryOptions,
} from './shared.js';

export interface BindingsOptions extends RepositoryOptions {
  /** Bindings fetched per batch by list(); memory stays bounded by one batch. Default 1,000. */
  pageSize?: number;
}

type TransitionChanges = Parameters<Bindings['transition']>[2];

const newBindingSchema = bindingSchema.omit({ updatedAt: true });
/** What a transition may change; zod drops the rest (userId, emailLower, boundAt, boundBy). */
const transitionChangesSchema = bindingSchema
  .omit({ userId: true, emailLower: true, boundAt: true, boundBy: true, updatedAt: true })
  .partial();
const statesSchema = bindingStateSchema.array();

/**
 * A binding's `_id` is its user's id: FerretDB 1.24 answers a filter on `_id` alone from SQL and decodes
 * every document in Go for any other filter, so get() by `userId` cost a scan of all bindings per call.
 */
type BindingDocument = Binding & { _id: string };

function fromDocument(document: Document): Binding {
  const userId: unknown = document['userId'];
  const recordId = typeof userId === 'string' ? userId : String(document['_id']);
  return parseStored(bindingSchema, COLLECTIONS.bindings, recordId, document);
}

export class MongoBindings implements Bindings {
  private readonly collection: Collection<BindingDocument>;
  private readonly guard: StorageGuard;
  private readonly clock;
  private readonly pageSize: number;

  constructor(
    private readonly db: Db,
    options: BindingsOptions = {},
  ) {
    this.collection = db.collection<BindingDocument>(COLLECTIONS.bindings);
    this.guard = new StorageGuard(db);
    this.clock = options.clock ?? systemClock;
    this.pageSize = options.pageSize ?? 1000;
  }

  async get(userId: string): Promise<Binding | null> {
    const document = await this.guard.run(() => this.collection.findOne({ _id: userId }));
    return document === null ? null : fromDocument(document);
  }

  async findByEmail(email: string): Promise<Binding | null> {
    const emailLower = normaliseEmail(email);
    const document = await this.guard.run(() => this.collection.findOne({ emailLower }));
    return document === null ? null : fromDocument(document);
  }

  async findByM365Ids(m365Ids: readonly string[]): Promise<Map<string, Binding>> {
    const found = new Map<string, Binding>();
    for (const idsChunk of chunk([...new Set(m365Ids)], IN_QUERY_CHUNK)) {
      const documents = await this.guard.run(() =>
        this.collection.find({ m365Id: { $in: idsChunk } }).toArray(),
      );
      for (const document of documents) {
        const binding = fromDocument(document);
        if (binding.m365Id !== null) found.set(binding.m365Id, binding);
      }
    }
    return found;
  }

  async findByUserIds(userIds: readonly string[]): Promise<Map<string, Binding>> {
    const found = new Map<string, Binding>();
    for (const idsChunk of chunk([...new Set(userIds)], IN_QUERY_CHUNK)) {
      const documents = await this.guard.run(() =>
        this.collection.find({ _id: { $in: idsChunk } }).toArray(),
      );
      for (const document of documents) {
        const binding = fromDocument(document);
        found.set(binding.userId, binding);
      }
    }
    return found;
  }

  async create(binding: Omit<Binding, 'updatedAt'>): Promise<Binding | null> {
    const parsed = parseInput(newBindingSchema, binding, `The binding for user ${binding.userId}`);
    const record: Binding = {
      ...parsed,
      emailLower: normaliseEmail(parsed.emailLower),
      updatedAt: this.clock.now(),
    };
    // The unique _id (the user id) decides, so two concurrent creates cannot both succeed (no read-then-write).
    const created = await this.guard.run(async () => {
      try {
        await this.collection.insertOne({ _id: record.userId, ...record });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    });
    return created ? record : null;
  }

  async transition(
    userId: string,
    from: readonly BindingState[],
    changes: TransitionChanges,
  ): Promise<Binding | null> {
    const fromStates = parseInput(statesSchema, from, 'The states a transition starts from');
    const parsed = parseInput(transitionChangesSchema, changes, `The transition of user ${userId}`);
    if (fromStates.length === 0) return null;
    const update = { ...definedOnly(parsed), updatedAt: this.clock.now() };
    // Read, check, write under the lock (which MongoDB does not need but FerretDB does): both calls filter on
    // `_id` alone, which FerretDB serves from SQL, where `{ userId, state }` decoded every binding in Go.
    return withDocumentLock(this.lockKey(userId), async () => {
      const current = await this.get(userId);
      if (current === null || !fromStates.includes(current.state)) return null;
      await this.guard.run(() => this.collection.updateOne({ _id: userId }, { $set: update }));
      return { ...current, ...update };
    });
  }

  async remove(userId: string): Promise<boolean> {
    const result = await withDocumentLock(this.lockKey(userId), () =>
      this.guard.run(() => this.collection.deleteOne({ _id: userId })),
    );
    return result.deletedCount === 1;
  }

  async removeAll(): Promise<number> {
    const result = await this.guard.run(() => this.collection.deleteMany({}));
    return result.deletedCount;
  }

  /**
   * One cursor sorted by userId (the unique index, or state_userId with a filter), read a batch of pageSize
   * at a time, so memory stays bounded by one batch. Every userId is yielded at most once and in order: a
   * binding whose state changes mid-listing can reappear later in the scan and is skipped. When the server
   * drops the cursor (idle timeout while the caller works through a batch, session expiry, failover), the
   * listing resumes with the range query `userId > last`, never with skip.
   *
   * Why not one range query per page: FerretDB 1.24 pushes neither the range nor the sort down to SQLite,
   * so every page rescans and resorts the whole collection (measured: 20 pages of 1,000 over 20,000
   * bindings took 43 s; one cursor lists 100,000 in 46 s with a flat heap). On MongoDB both are index scans.
   */
  async *list(filter: BindingFilter = {}): AsyncIterable<Binding> {
    const states =
      filter.states === undefined ? undefined : parseInput(statesSchema, filter.states, 'The state filter');
    if (states?.length === 0) return;
    let last: string | undefined;
    let lastAtLoss: string | undefined | null = null;
    for (;;) {
      const cursor = this.openListCursor(states, last);
      try {
        for await (const document of cursor) {
          const binding = fromDocument(document);
          if (last !== undefined && binding.userId <= last) continue;
          last = binding.userId;
          yield binding;
        }
        return;
      } catch (error) {
        // Resume only when the lost cursor had made progress, so a cursor that keeps dying cannot loop forever.
        if (!isCursorLostError(error) || lastAtLoss === last) throw this.guard.translate(error);
        lastAtLoss = last;
      } finally {
        await cursor.close().catch(() => undefined);
      }
    }
  }

  /** The listing's query from `after` on (protected: tests lose the cursor on purpose). */
  protected openListCursor(
    states: BindingState[] | undefined,
    after: string | undefined,
  ): FindCursor<BindingDocument> {
    const query: Filter<BindingDocument> = {
      ...(states === undefined ? {} : { state: { $in: states } }),
      ...(after === undefined ? {} : { _id: { $gt: after } }),
    };
    return this.collection.find(query).sort({ _id: 1 }).batchSize(this.pageSize);
  }

  async countByState(): Promise<Record<BindingState, number>> {
    const groups = await this.guard.run(() =>
      this.collection
        .aggregate<{ _id: unknown; count: unknown }>([{ $group: { _id: '$state', count: { $sum: 1 } } }])
        .toArray(),
    );
    const counts = Object.fromEntries(BINDING_STATES.map((state) => [state, 0])) as Record<
      BindingState,
      number
    >;
    for (const group of groups) {
      const state = bindingStateSchema.safeParse(group._id);
      // A state this version does not know is a malformed record; get() and list() report it with its id.
      if (state.success && typeof group.count === 'number') counts[state.data] = group.count;
    }
    return counts;
  }

  private lockKey(userId: string): string {
    return `${this.db.databaseName}/${COLLECTIONS.bindings}/${userId}`;
  }
}
