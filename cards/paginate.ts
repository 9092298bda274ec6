import { toCsv } from './csv.js';
import type { ButtonData, CardModel, Table } from './model.js';

/**
 * Rows per page that each renderer holds without cutting, for a typical list (about five columns of names,
 * e-mail addresses and states, ~30 characters each; measured in test/cards/paginate.test.ts):
 * - Teams: a Table row of five such cells costs ~1 KB (UTF-16); 20 rows keep a plan card with facts, notes
 *   and buttons under the 28 KB aim (chat-platforms.md §2.4). With the optional ColumnSet fallback for
 *   tables (render-adaptive.ts) a row costs ~1.5 KB and about 15 rows fit.
 * - Slack: rows are preformatted text in sections of ≤ 3000 characters; 25 rows stay well inside the
 *   ~12 000-character budget below the msg_blocks_too_long cliff (chat-platforms.md §1.7).
 * A renderer given more rows (or longer cells) still fits its limits: it cuts rows and says so.
 */
export const TABLE_PAGE_SIZE = { teams: 20, slack: 25 } as const;
export type CardPlatform = keyof typeof TABLE_PAGE_SIZE;

export interface PageSlice<T> {
  items: T[];
  /** 1-based, clamped into [1, pageCount]. */
  page: number;
  /** At least 1, also for an empty list. */
  pageCount: number;
}

/** Page `page` (1-based) of `items`; a page outside the list is clamped to the first or last page. */
export function pageSlice<T>(items: readonly T[], page: number, pageSize: number): PageSlice<T> {
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new RangeError('pageSize must be a positive integer');
  const pageCount = Math.max(1, Math.ceil(items.length / pageSize));
  const clamped = Math.min(Math.max(Number.isFinite(page) ? Math.trunc(page) : 1, 1), pageCount);
  const start = (clamped - 1) * pageSize;
  return { items: items.slice(start, start + pageSize), page: clamped, pageCount };
}

export interface PaginateOptions {
  /** The page to show, 1-based (clamped). */
  page: number;
  /** Rows per page: TABLE_PAGE_SIZE[platform] unless the caller knows better. */
  pageSize: number;
  /** Opaque ids the Previous / Next buttons carry back (e.g. { requestId }); 'page' is added by the renderer. */
  data: ButtonData;
  /** Name of the CSV offered with the full list. */
  csvFilename: string;
}

/**
 * One page of a card whose tables are longer than a page: every long table is cut to the same page, the
 * card gets a pagination descriptor (the renderers draw "Page n of m" and Previous / Next), and the full list
 * — the longest table — is offered as CSV unless the card already offers one. A card whose tables all fit
 * one page comes back unchanged.
 */
export function paginateCard(model: CardModel, options: PaginateOptions): CardModel {
  const longTables = model.tables.filter((table) => table.rows.length > options.pageSize);
  const longest = longTables.reduce<Table | undefined>(
    (best, table) => (best === undefined || table.rows.length > best.rows.length ? table : best),
    undefined,
  );
  if (longest === undefined) return model;
  const { page, pageCount } = pageSlice(longest.rows, options.page, options.pageSize);
  const tables = model.tables.map((table) =>
    table.rows.length > options.pageSize
      ? { ...table, rows: pageSlice(table.rows, page, options.pageSize).items }
      : table,
  );
  const csv = model.csv ?? {
    filename: options.csvFilename,
    rowCount: longest.rows.length,
    content: toCsv(longest.columns, longest.rows),
  };
  return { ...model, tables, pagination: { page, pageCount, data: options.data }, csv };
}
