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
  /** One document per (operation, user), written once when the operation begins. */
  operationUsers: 'operationUsers',
  /**
   * What happened to each (operation, user) since, append-only: step states and the outcome. Inserts, not
   * updates, because FerretDB 1.24 (SQLite) finds an update's target by scanning the whole table (its _id
   * filter does not match the _id index's expression), so an update costs O(collection) while an insert stays
   * O(log n): at 2,000 users ~7 ms against ~1 ms, serialised by SQLite's single writer.
   */
  operationProgress: 'operationProgress',
  /** Directory users' password states, append-only (storage/repositories/password-states.ts). */
  passwordStates: 'passwordStates',
  agendaJobs: 'agendaJobs',
  /** Migrations applied to this database (storage/migrations.ts), one document each, _id = its name. */
  migrations: 'migrations',
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
  // One binding per directory user: its `_id` is the user id, unique by itself (storage/migrations.ts).
  { collection: COLLECTIONS.bindings, key: { emailLower: 1 }, options: { name: 'emailLower' } },
  { collection: COLLECTIONS.bindings, key: { m365Id: 1 }, options: { name: 'm365Id' } },
  // State first, then the paging key: serves countByState and Bindings.list with a state filter.
  { collection: COLLECTIONS.bindings, key: { state: 1, _id: 1 }, options: { name: 'state_id' } },
  { collection: COLLECTIONS.audit, key: { at: -1 }, options: { name: 'at' } },
  { collection: COLLECTIONS.audit, key: { target: 1, at: -1 }, options: { name: 'target_at' } },
  { collection: COLLECTIONS.audit, key: { operationId: 1, at: -1 }, options: { name: 'operationId_at' } },
  { collection: COLLECTIONS.operations, key: { status: 1 }, options: { name: 'status' } },
  {
    collection: COLLECTIONS.operationUsers,
    key: { operationId: 1, emailLower: 1 },
    options: { name: 'operationId_emailLower_unique', unique: true },
  },
  {
    collection: COLLECTIONS.passwordStates,
    key: { userId: 1, at: -1, seq: -1 },
    options: { name: 'userId_at_seq' },
  },
  {
    collection: COLLECTIONS.operationProgress,
    key: { operationId: 1, at: 1, seq: 1 },
    options: { name: 'operationId_at_seq' },
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
