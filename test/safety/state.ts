import type { Db } from 'mongodb';
import type { CardModel } from '../../cards/model.js';
import type { Sandbox } from '../../sandbox/server.js';
import { cardText } from '../support/chat.js';

/**
 * What "nothing changed" is checked against: every document of every collection the bot owns, and the
 * sandbox tenant's users, as JSON. Comparing two snapshots says exactly which documents appeared, changed or
 * disappeared, per collection.
 */

export type Documents = Map<string, string>;
export type DatabaseSnapshot = Map<string, Documents>;

function stable(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner instanceof Date ? inner.toISOString() : inner,
  );
}

/** Every collection there is (not only those storage/collections.ts names today), with every document. */
export async function snapshotDatabase(db: Db): Promise<DatabaseSnapshot> {
  const snapshot: DatabaseSnapshot = new Map();
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map(({ name }) => name);
  for (const name of names.sort()) {
    const documents: Documents = new Map();
    for (const document of await db.collection(name).find({}).toArray()) {
      documents.set(stable(document._id), stable(document));
    }
    snapshot.set(name, documents);
  }
  return snapshot;
}

export interface CollectionChange {
  added: string[];
  changed: string[];
  removed: string[];
}

/** Per collection, the ids of documents added, changed and removed between two snapshots (only non-empty). */
export function changesBetween(
  before: DatabaseSnapshot,
  after: DatabaseSnapshot,
): Record<string, CollectionChange> {
  const changes: Record<string, CollectionChange> = {};
  for (const [name, documents] of after) {
    const earlier = before.get(name) ?? new Map<string, string>();
    const change: CollectionChange = { added: [], changed: [], removed: [] };
    for (const [id, json] of documents) {
      const old = earlier.get(id);
      if (old === undefined) change.added.push(id);
      else if (old !== json) change.changed.push(id);
    }
    for (const id of earlier.keys()) if (!documents.has(id)) change.removed.push(id);
    if (change.added.length + change.changed.length + change.removed.length > 0) changes[name] = change;
  }
  return changes;
}

/** The added documents of one collection, parsed back from the snapshot. */
export function addedDocuments(
  before: DatabaseSnapshot,
  after: DatabaseSnapshot,
  collection: string,
): Record<string, unknown>[] {
  const earlier = before.get(collection) ?? new Map<string, string>();
  return [...(after.get(collection) ?? new Map<string, string>())]
    .filter(([id]) => !earlier.has(id))
    .map(([, json]) => JSON.parse(json) as Record<string, unknown>);
}

/** The tenant's users (write-only fields such as passwords included), as one comparable string. */
export function snapshotTenant(sandbox: Sandbox): string {
  return stable({ users: sandbox.inspection.users(), deleted: sandbox.inspection.deletedUsers() });
}

/** Requests that change something in the tenant: every non-GET request and $batch item, except $batch itself. */
export function tenantWrites(sandbox: Sandbox): string[] {
  return sandbox.inspection
    .requests()
    .filter((record) => record.method !== 'GET' && record.path !== '/v1.0/$batch')
    .map((record) => `${record.method} ${record.path}`);
}

/**
 * What a person must never be shown: text the program made up by accident (a missing value, an object
 * printed as text), a stack trace, a raw validation error, or the catch-all for unexpected failures.
 */
const ACCIDENTS: readonly [string, RegExp][] = [
  ['"undefined"', /\bundefined\b/],
  ['"[object Object]"', /\[object \w+\]/],
  ['"NaN"', /\bNaN\b/],
  ['a stack trace', /\n\s*at .+[:(]\d+:\d+\)?|\bat (?:async )?\S+ \([^)]*:\d+:\d+\)|\.(?:ts|js):\d+:\d+/],
  ['a raw validation error', /"code"\s*:\s*"|ZodError|"path"\s*:\s*\[/],
  ['an error class name', /\b(?:TypeError|RangeError|SyntaxError|ReferenceError|MongoServerError)\b/],
  ['the catch-all for unexpected failures', /Something (?:unexpected )?went wrong/],
];

/** The problems a shown card has, as short phrases; empty when it reads as a clear message. */
export function cardProblems(card: CardModel): string[] {
  const problems: string[] = [];
  if (card.title.trim() === '') problems.push('an empty title');
  const text = cardText(card);
  if (text.replace(card.title, '').trim() === '' && card.buttons.length === 0 && card.tables.length === 0)
    problems.push('no text besides the title');
  for (const [what, pattern] of ACCIDENTS) if (pattern.test(text)) problems.push(what);
  return problems;
}
