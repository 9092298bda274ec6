import { z } from 'zod';
import {
  classify,
  importPreviewFilterSchema,
  matchesAttributes,
  matchesStatus,
  type ImportPreviewFilter,
  type PreviewRow,
  type PreviewStatus,
} from '../classify.js';
import { requireConnected, type EngineContext } from '../context.js';
import type { DirectorySnapshot } from '../directory-index.js';
import { emailKey, importEmail } from '../mapping.js';
import type { M365User, M365UserQuery } from '../ports.js';

/**
 * Import preview: streams every Microsoft 365 user page by page (bounded memory), classifies each against a
 * snapshot of the directory loaded once (directory-index.ts) and filters. Counts cover every status among the users matching the attribute filters, so hidden
 * already-imported users are still counted.
 */

export interface ImportPreview {
  /** At most `limit` rows matching every filter, in Microsoft 365's order. */
  rows: PreviewRow[];
  counts: Record<PreviewStatus, number> & { total: number; matching: number };
  /** More rows matched than `limit`. */
  truncated: boolean;
}

const previewOptionsSchema = z.object({ limit: z.number().int().min(0).max(10_000).default(50) });
export type ImportPreviewOptions = z.input<typeof previewOptionsSchema>;

function serverQuery(filter: z.output<typeof importPreviewFilterSchema>): M365UserQuery {
  return {
    ...(filter.domain === undefined ? {} : { domains: [filter.domain.replace(/^@/, '')] }),
    ...(filter.department === undefined ? {} : { department: filter.department }),
  };
}

/**
 * Users plus bindings the preview holds in memory: about 60 MB at the bound (see directory-index.ts), e.g.
 * 200,000 directory users all bound. A larger directory is looked up page by page instead: memory bounded by
 * one page, but two `$in` queries per page (on FerretDB each scans both collections: 46 s a page at 100,000).
 */
export const PREVIEW_INDEX_MAX_ENTRIES = 400_000;

export type PageClassifier = (page: readonly M365User[]) => Promise<PreviewRow[]>;

/** Classifies one page: one directory lookup by email and one binding lookup by object id. */
export async function classifyPage(context: EngineContext, page: readonly M365User[]): Promise<PreviewRow[]> {
  const emails = page.map(importEmail).filter((email): email is string => email !== null);
  const [directoryUsers, bindings] = await Promise.all([
    context.users.findByEmails(emails),
    context.bindings.findByM365Ids(page.map((user) => user.id)),
  ]);
  return page.map((user) => {
    const email = importEmail(user);
    return classify(user, {
      user: email === null ? undefined : directoryUsers.get(emailKey(email)),
      boundUserId: bindings.get(user.id)?.userId,
    });
  });
}

/** The same classification as classifyPage, against a snapshot of the directory in memory. */
function classifyAgainst(snapshot: DirectorySnapshot, page: readonly M365User[]): PreviewRow[] {
  return page.map((user) => {
    const email = importEmail(user);
    return classify(user, {
      user: email === null ? undefined : snapshot.userByEmail(emailKey(email)),
      boundUserId: snapshot.boundUserId(user.id),
    });
  });
}

/** Classifies against a snapshot of the directory, or page by page when the directory is above the bound. */
export async function loadClassifier(context: EngineContext, signal?: AbortSignal): Promise<PageClassifier> {
  const maxEntries = PREVIEW_INDEX_MAX_ENTRIES;
  const snapshot = await context.directoryIndex.load({ maxEntries, ...(signal ? { signal } : {}) });
  if (snapshot !== null) return (page) => Promise.resolve(classifyAgainst(snapshot, page));
  context.logger.info(
    { maxEntries },
    'import preview: directory above the in-memory bound, looked up per page',
  );
  return (page) => classifyPage(context, page);
}

/**
 * The pages of `source`, asking for the next one before handing out the current one, so Graph serves the
 * next page while the caller classifies (and, page by page, looks up) the current one. Two pages at most.
 */
async function* aheadByOne<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    let next = iterator.next();
    for (let result = await next; result.done !== true; result = await next) {
      next = iterator.next();
      // Awaited on the next turn; a failure while the caller is still busy must not count as unhandled.
      next.catch(() => undefined);
      yield result.value;
    }
  } finally {
    await iterator.return?.();
  }
}

/**
 * Every Microsoft 365 user matching `query`, classified, page by page. The directory snapshot loads while
 * Graph serves the first page; it is read once, so a user added to the directory during a long preview is
 * classified as it was when the preview started.
 */
export async function* classifiedUserPages(
  context: EngineContext,
  query: M365UserQuery,
): AsyncGenerator<PreviewRow[]> {
  const abandon = new AbortController();
  const classifierReady = loadClassifier(context, abandon.signal);
  // Reported by the first page's await; without any page (an empty tenant) nobody needs the directory.
  classifierReady.catch(() => undefined);
  try {
    for await (const page of aheadByOne(context.gateway.listUsers(query))) {
      const classifyOnePage = await classifierReady;
      yield await classifyOnePage(page);
    }
  } finally {
    abandon.abort();
  }
}

/** Pages of classified rows matching the attribute filters (domain, department, text); status not applied. */
async function* classifiedPages(context: EngineContext, filterInput: ImportPreviewFilter) {
  const filter = importPreviewFilterSchema.parse(filterInput);
  await requireConnected(context);
  for await (const rows of classifiedUserPages(context, serverQuery(filter))) {
    yield { filter, rows: rows.filter((row) => matchesAttributes(row, filter)) };
  }
}

export async function importPreview(
  context: EngineContext,
  filterInput: ImportPreviewFilter,
  optionsInput: ImportPreviewOptions = {},
): Promise<ImportPreview> {
  const { limit } = previewOptionsSchema.parse(optionsInput);
  const counts = { new: 0, 'already-imported': 0, conflict: 0, skipped: 0, total: 0, matching: 0 };
  const rows: PreviewRow[] = [];
  for await (const { filter, rows: pageRows } of classifiedPages(context, filterInput)) {
    for (const row of pageRows) {
      counts[row.status] += 1;
      counts.total += 1;
      if (!matchesStatus(row, filter)) continue;
      counts.matching += 1;
      if (rows.length < limit) rows.push(row);
    }
  }
  return { rows, counts, truncated: counts.matching > rows.length };
}

/** Every matching row, one at a time (for a CSV export of any size). */
export async function* streamImportPreview(
  context: EngineContext,
  filterInput: ImportPreviewFilter,
): AsyncIterable<PreviewRow> {
  for await (const { filter, rows } of classifiedPages(context, filterInput)) {
    for (const row of rows) if (matchesStatus(row, filter)) yield row;
  }
}
