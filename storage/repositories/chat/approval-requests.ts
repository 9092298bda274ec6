import type { Collection, Db, Filter } from 'mongodb';
import { z } from 'zod';
import {
  approvalRequestSchema,
  requestStateSchema,
  type ApprovalRequest,
  type NewApprovalRequest,
} from '../../../commands/chat/model.js';
import type { ApprovalRequests, RequestChanges, RequestPrecondition } from '../../../commands/chat/ports.js';
import { COLLECTIONS } from '../../collections.js';
import { StorageGuard } from '../../errors.js';
import { withDocumentLock } from '../document-lock.js';
import { definedOnly, parseInput, systemClock, type RepositoryOptions } from '../shared.js';
import { fromDocument, lockKey } from './shared.js';

/**
 * Approval requests. Every change is one findOneAndUpdate whose filter is the precondition (state, and the
 * version for approvals, or an expired lease for a take-over), so of two concurrent clicks or replicas only
 * one moves a request. FerretDB 1.24 does not apply such an update atomically (see document-lock.ts), so
 * each runs under the document lock as well; on MongoDB the filter alone decides.
 */
type RequestDocument = Omit<ApprovalRequest, 'id'> & { _id: string };

const newRequestSchema = approvalRequestSchema.omit({
  updatedAt: true,
  version: true,
  leaseUntil: true,
  attempts: true,
  outcome: true,
  decidedBy: true,
  decidedAt: true,
  approvals: true,
});
const changesSchema = approvalRequestSchema
  .pick({
    state: true,
    approvals: true,
    decidedBy: true,
    decidedAt: true,
    leaseUntil: true,
    attempts: true,
    outcome: true,
  })
  .partial();
const preconditionSchema = z.object({
  states: z.array(requestStateSchema).min(1),
  version: z.number().int().min(0).optional(),
  leaseBefore: z.date().optional(),
});

export class MongoApprovalRequests implements ApprovalRequests {
  private readonly collection: Collection<RequestDocument>;
  private readonly guard: StorageGuard;
  private readonly clock;

  constructor(
    private readonly db: Db,
    options: RepositoryOptions = {},
  ) {
    this.collection = db.collection<RequestDocument>(COLLECTIONS.chatRequests);
    this.guard = new StorageGuard(db);
    this.clock = options.clock ?? systemClock;
  }

  private parse(document: RequestDocument): ApprovalRequest {
    return fromDocument(approvalRequestSchema, COLLECTIONS.chatRequests, document, 'id');
  }

  async create(request: NewApprovalRequest): Promise<ApprovalRequest> {
    const { id, ...fields } = parseInput(newRequestSchema, request, `The request ${request.id}`);
    const document: RequestDocument = {
      _id: id,
      ...fields,
      approvals: [],
      decidedBy: null,
      decidedAt: null,
      updatedAt: this.clock.now(),
      version: 0,
      leaseUntil: null,
      attempts: 0,
      outcome: null,
    };
    await this.guard.run(() => this.collection.insertOne(document));
    return this.parse(document);
  }

  async get(id: string): Promise<ApprovalRequest | null> {
    const document = await this.guard.run(() => this.collection.findOne({ _id: id }));
    return document === null ? null : this.parse(document);
  }

  async transition(
    id: string,
    precondition: RequestPrecondition,
    changes: RequestChanges,
  ): Promise<ApprovalRequest | null> {
    const { states, version, leaseBefore } = parseInput(preconditionSchema, precondition, 'The precondition');
    const parsed = parseInput(changesSchema, changes, `The change of request ${id}`);
    const filter: Filter<RequestDocument> = {
      _id: id,
      state: { $in: states },
      ...(version === undefined ? {} : { version }),
      ...(leaseBefore === undefined ? {} : { leaseUntil: { $lt: leaseBefore } }),
    };
    const update = { $set: { ...definedOnly(parsed), updatedAt: this.clock.now() }, $inc: { version: 1 } };
    const updated = await withDocumentLock(lockKey(this.db, COLLECTIONS.chatRequests, id), () =>
      this.guard.run(() => this.collection.findOneAndUpdate(filter, update, { returnDocument: 'after' })),
    );
    return updated === null ? null : this.parse(updated);
  }

  async listPending(now: Date, limit: number): Promise<ApprovalRequest[]> {
    const documents = await this.guard.run(() =>
      this.collection
        .find({ state: 'pending', expiresAt: { $gt: now } })
        .sort({ createdAt: 1, _id: 1 })
        .limit(limit)
        .toArray(),
    );
    return documents.map((document) => this.parse(document));
  }

  countPending(now: Date): Promise<number> {
    return this.guard.run(() =>
      this.collection.countDocuments({ state: 'pending', expiresAt: { $gt: now } }),
    );
  }

  async listUnfinished(): Promise<ApprovalRequest[]> {
    const documents = await this.guard.run(() =>
      this.collection
        .find({ state: { $in: ['approved', 'executing'] } })
        .sort({ createdAt: 1, _id: 1 })
        .toArray(),
    );
    return documents.map((document) => this.parse(document));
  }
}
