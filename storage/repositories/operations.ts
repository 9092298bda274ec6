import type { Collection, Db, Document } from 'mongodb';
import { z } from 'zod';
import type { OperationStart, Operations, UserProgress } from '../../commands/engine/ports.js';
import {
  actorSchema,
  operationSchema,
  operationUserSchema,
  stepStateSchema,
  type Operation,
  type OperationUser,
} from '../../commands/engine/model.js';
import { COLLECTIONS, normaliseEmail } from '../collections.js';
import { isDuplicateKeyError, isOnlyDuplicateKeyErrors, parseStored, StorageGuard } from '../errors.js';
import { withDocumentLock } from './document-lock.js';
import { assertNoSecretKeys } from './secret-keys.js';
import { chunk, parseInput, systemClock, writeOrder, type RepositoryOptions } from './shared.js';

type OperationDocument = Omit<Operation, 'id'> & { _id: string };

/** Step names become field paths (`steps.<name>`), so only plain lower-case words and hyphens pass. */
const STEP_NAME = /^[a-z][a-z-]*$/;
const INSERT_BATCH = 1000;

const startSchema = z.object({
  id: z.string().min(1),
  kind: z.string().min(1),
  actor: actorSchema,
  parameters: z.record(z.string(), z.unknown()),
  emails: z.array(z.string()),
});
const progressSchema = z.object({
  steps: z
    .record(z.string().regex(STEP_NAME, 'use lower-case letters and hyphens'), stepStateSchema)
    .optional(),
  result: z
    .object({
      outcome: z.enum(['done', 'failed', 'skipped']),
      m365Id: z.string().nullable().optional(),
      errorCode: z.string().nullable().optional(),
      errorMessage: z.string().nullable().optional(),
    })
    .optional(),
});

/** One append-only progress record; `at` then `seq` order a user's records (seq breaks same-ms ties). */
const progressRecordSchema = progressSchema.extend({
  operationId: z.string(),
  emailLower: z.string(),
  at: z.date(),
  seq: z.number().int(),
});
type ProgressRecord = z.infer<typeof progressRecordSchema>;

/** Applies one progress record to a user's state (records arrive in write order). */
function applyProgress(user: OperationUser, record: ProgressRecord): void {
  Object.assign(user.steps, record.steps ?? {});
  if (record.result === undefined) return;
  user.outcome = record.result.outcome;
  if (record.result.m365Id !== undefined) user.m365Id = record.result.m365Id;
  // The error fields describe this outcome: a user that failed once and then succeeded has none.
  user.errorCode = record.result.errorCode ?? null;
  user.errorMessage = record.result.errorMessage ?? null;
}

function operationFrom(document: Document): Operation {
  const id: unknown = document['_id'];
  return parseStored(operationSchema, COLLECTIONS.operations, String(id), { ...document, id });
}

/**
 * Each (operation, user) record is keyed by `<operationId>/<emailLower>` in `_id`: FerretDB does not use the
 * compound index for `{ operationId, emailLower }`, so updating by those fields scanned the whole collection
 * (78 ms per step at 2,000 users); by `_id` it is a key lookup on both FerretDB and MongoDB.
 */
type OperationUserDocument = OperationUser & { _id: string };

function operationUserId(operationId: string, emailLower: string): string {
  return `${operationId}/${emailLower}`;
}

function operationUserFrom(document: Document): OperationUser {
  const recordId = `${String(document['operationId'])}/${String(document['emailLower'])}`;
  return parseStored(operationUserSchema, COLLECTIONS.operationUsers, recordId, document);
}

export class MongoOperations implements Operations {
  private readonly operations: Collection<OperationDocument>;
  private readonly operationUsers: Collection<OperationUserDocument>;
  private readonly progress: Collection<ProgressRecord>;
  private readonly guard: StorageGuard;
  private readonly clock;

  constructor(
    private readonly db: Db,
    options: RepositoryOptions = {},
  ) {
    this.operations = db.collection<OperationDocument>(COLLECTIONS.operations);
    this.operationUsers = db.collection<OperationUserDocument>(COLLECTIONS.operationUsers);
    this.progress = db.collection<ProgressRecord>(COLLECTIONS.operationProgress);
    this.guard = new StorageGuard(db);
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Users are written before the operation itself: an operation document exists only once all its users do,
   * so a crash in the middle of begin() leaves no operation, and the retried begin() completes the user list
   * (duplicates from the first attempt are ignored) before recording the operation as running.
   */
  async begin(start: OperationStart): Promise<{ operation: Operation; resumed: boolean }> {
    assertNoSecretKeys(start.parameters, `the operation "${start.kind}"`);
    const { id, kind, actor, parameters, emails } = parseInput(
      startSchema,
      start,
      `The operation ${start.id}`,
    );
    const existing = await this.find(id);
    if (existing !== null) return { operation: existing, resumed: true };

    const keys = [...new Set(emails.map(normaliseEmail))];
    await this.insertUsers(id, keys);
    const now = this.clock.now();
    const document: OperationDocument = {
      _id: id,
      kind,
      actor,
      parameters,
      status: 'running',
      total: keys.length,
      createdAt: now,
      updatedAt: now,
    };
    const inserted = await this.guard.run(async () => {
      try {
        await this.operations.insertOne(document);
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false; // a concurrent begin() with the same id won
        throw error;
      }
    });
    if (!inserted) {
      const winner = await this.find(id);
      if (winner === null) throw new Error(`Operation ${id} was recorded and then vanished.`);
      return { operation: winner, resumed: true };
    }
    return { operation: operationFrom(document), resumed: false };
  }

  /** Each user as begun, with its progress records applied in order. */
  async users(operationId: string): Promise<OperationUser[]> {
    const [documents, records] = await Promise.all([
      this.guard.run(() => this.operationUsers.find({ operationId }).sort({ emailLower: 1 }).toArray()),
      this.guard.run(() => this.progress.find({ operationId }).sort({ at: 1, seq: 1 }).toArray()),
    ]);
    const users = new Map(documents.map((document) => [document.emailLower, operationUserFrom(document)]));
    for (const document of records) {
      const record = parseStored(progressRecordSchema, COLLECTIONS.operationProgress, operationId, document);
      const user = users.get(record.emailLower);
      if (user !== undefined) applyProgress(user, record);
    }
    return [...users.values()];
  }

  /**
   * An insert, never an update: the (operation, user) document stays as begin() wrote it. Only the run that
   * holds the operation writes its users' records (the chat layer's execution lease), one user at a time.
   */
  async record(operationId: string, emailLower: string, progress: UserProgress): Promise<void> {
    const parsed = parseInput(progressSchema, progress, `The progress of ${emailLower}`);
    if (parsed.steps === undefined && parsed.result === undefined) return;
    const record: ProgressRecord = {
      operationId,
      emailLower: normaliseEmail(emailLower),
      ...writeOrder(),
      ...(parsed.steps === undefined ? {} : { steps: parsed.steps }),
      ...(parsed.result === undefined ? {} : { result: parsed.result }),
    };
    await this.guard.run(() => this.progress.insertOne(record));
  }

  async complete(operationId: string): Promise<void> {
    const result = await withDocumentLock(this.lockKey(COLLECTIONS.operations, operationId), () =>
      this.guard.run(() =>
        this.operations.updateOne(
          { _id: operationId },
          { $set: { status: 'completed', updatedAt: this.clock.now() } },
        ),
      ),
    );
    if (result.matchedCount === 0) throw new Error(`There is no operation ${operationId} to complete.`);
  }

  async running(): Promise<Operation[]> {
    const documents = await this.guard.run(() =>
      this.operations.find({ status: 'running' }).sort({ createdAt: 1, _id: 1 }).toArray(),
    );
    return documents.map(operationFrom);
  }

  private async find(id: string): Promise<Operation | null> {
    const document = await this.guard.run(() => this.operations.findOne({ _id: id }));
    return document === null ? null : operationFrom(document);
  }

  /** Unordered bulk inserts: a batch with users already recorded by an earlier attempt still writes the rest. */
  private async insertUsers(operationId: string, keys: readonly string[]): Promise<void> {
    for (const batch of chunk(keys, INSERT_BATCH)) {
      const documents: OperationUserDocument[] = batch.map((emailLower) => ({
        _id: operationUserId(operationId, emailLower),
        operationId,
        emailLower,
        steps: {},
        outcome: 'pending',
        m365Id: null,
        errorCode: null,
        errorMessage: null,
      }));
      await this.guard.run(async () => {
        try {
          await this.operationUsers.insertMany(documents, { ordered: false });
        } catch (error) {
          if (!isOnlyDuplicateKeyErrors(error)) throw error;
        }
      });
    }
  }

  private lockKey(collection: string, id: string): string {
    return `${this.db.databaseName}/${collection}/${id}`;
  }
}
