import type { IndexOptions, IndexSpecification } from 'mongodb';

/**
 * Every collection the bot owns, with the indexes it needs. Indexes are created at start-up (idempotently).
 * Only features FerretDB 1.x and MongoDB ≥ 6 both have are used: no TTL, collation, partial or text indexes,
 * so the same code runs on the dev server and in production. Case-insensitive uniqueness is done by storing
 * a normalised lower-case copy of the key (e.g. `emailLower`) under a plain unique index.
 */
export const COLLECTIONS = {
  users: 'users',
  agendaJobs: 'agendaJobs',
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
];

/** Lower-cases and trims an e-mail address: the key under which the directory keeps users unique. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
