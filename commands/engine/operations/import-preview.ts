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
import { emailKey, importEmail } from '../mapping.js';
import type { M365User, M365UserQuery } from '../ports.js';

/**
 * Import preview: streams every Microsoft 365 user page by page (bounded memory), classifies each against the
 * directory and filters. Counts cover every status among the users matching the attribute filters, so hidden
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

/** Pages of classified rows matching the attribute filters (domain, department, text); status not applied. */
async function* classifiedPages(context: EngineContext, filterInput: ImportPreviewFilter) {
  const filter = importPreviewFilterSchema.parse(filterInput);
  await requireConnected(context);
  for await (const page of context.gateway.listUsers(serverQuery(filter))) {
    const rows = await classifyPage(context, page);
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
