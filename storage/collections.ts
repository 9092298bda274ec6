import type { IndexOptions, IndexSpecification } from 'mongodb';

/**
 * Every collection the bot owns, with the indexes it needs. Indexes are created at start-up (idempotently).
 * Only features FerretDB 1.x and MongoDB ≥ 6 both have are used: no TTL, collation, partial or text indexes,
 * so the same code runs on the dev server and in production. Case-insensitive uniqueness is done by storing
 * a normalised lower-case copy of the key (e.g. `emailLower`) under a plain unique index.
 */
export const COLLECTIONS = {
  users: 'users',
  bindings: 'bindings',
  /** A single document (fixed _id): the bot's one Microsoft 365 tenant connection. */
  connection: 'connection',
  audit: 'audit',
  operations: 'operations',
  /** One document per (operation, user), so each step is a single-document update. */
  operationUsers: 'operationUsers',
  agendaJobs: 'agendaJobs',
  /**
   * Cross-process document locks (storage/repositories/document-lock.ts): one lease per locked record, unique
   * by _id, deleted on release; an expired lease is taken over, so no TTL index (FerretDB has none) is needed.
   */
  locks: 'locks',
  /** Chat roles (RBAC): one document per person, _id `platform/ChatUser.id`. */
  chatRoles: 'chatRoles',
  /** Chat approval requests: one document per request, every state change one conditional update. */
  chatRequests: 'chatRequests',
  /** Which posted messages show a request's card (one document per message). */
  chatTrackedMessages: 'chatTrackedMessages',
  /** Stored card content for paging and CSV downloads. */
  chatViews: 'chatViews',
  /** Conversation references the bot may post to later (the approvals channel). */
  chatConversations: 'chatConversations',
  /** Daily digest subscriptions, one per conversation. */
  chatDigests: 'chatDigests',
} as const;
export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

export interface IndexPlan {
  collection: CollectionName;
  key: IndexSpecification;
  options: IndexOptions & { name: string };
}

export const INDEXES: readonly IndexPlan[] = [
  {
    collection: COLLECTIONS.users,
    key: { emailLower: 1 },
    options: { name: 'emailLower_unique', unique: true },
  },
  // One binding per directory user: the unique index is what makes Bindings.create refuse a second one.
  { collection: COLLECTIONS.bindings, key: { userId: 1 }, options: { name: 'userId_unique', unique: true } },
  { collection: COLLECTIONS.bindings, key: { emailLower: 1 }, options: { name: 'emailLower' } },
  { collection: COLLECTIONS.bindings, key: { m365Id: 1 }, options: { name: 'm365Id' } },
  // State first, then the paging key: serves countByState and Bindings.list with a state filter.
  { collection: COLLECTIONS.bindings, key: { state: 1, userId: 1 }, options: { name: 'state_userId' } },
  { collection: COLLECTIONS.audit, key: { at: -1 }, options: { name: 'at' } },
  { collection: COLLECTIONS.audit, key: { target: 1, at: -1 }, options: { name: 'target_at' } },
  { collection: COLLECTIONS.audit, key: { operationId: 1, at: -1 }, options: { name: 'operationId_at' } },
  { collection: COLLECTIONS.operations, key: { status: 1 }, options: { name: 'status' } },
  {
    collection: COLLECTIONS.operationUsers,
    key: { operationId: 1, emailLower: 1 },
    options: { name: 'operationId_emailLower_unique', unique: true },
  },
  // Chat: pending requests by expiry (approvals list, digest count); unfinished runs at start-up.
  {
    collection: COLLECTIONS.chatRequests,
    key: { state: 1, expiresAt: 1 },
    options: { name: 'state_expiresAt' },
  },
  { collection: COLLECTIONS.chatTrackedMessages, key: { key: 1 }, options: { name: 'key' } },
  // The digest: the last reconcile summary and the failures of the last day, without scanning the audit log.
  {
    collection: COLLECTIONS.audit,
    key: { action: 1, target: 1, at: -1 },
    options: { name: 'action_target_at' },
  },
  { collection: COLLECTIONS.audit, key: { outcome: 1, at: -1 }, options: { name: 'outcome_at' } },
];

/** Lower-cases and trims an e-mail address: the key under which the directory keeps users unique. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
