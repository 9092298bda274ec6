import {
  DOWNLOAD_CSV_VERB,
  PAGE_NEXT_VERB,
  PAGE_PREV_VERB,
  type Button,
  type CardModel,
  type Confirm,
} from './model.js';

/** What both renderers draw below a card's content; shared so the two platforms offer the same choices. */

/** A default confirmation for danger buttons that bring none (chat-platforms.md §4: confirm destructive). */
export function confirmFor(button: Button): Confirm | undefined {
  if (button.confirm !== undefined) return button.confirm;
  if (button.style !== 'danger') return undefined;
  return { title: 'Are you sure?', text: `“${button.label}” cannot be undone.` };
}

/**
 * Every button the card shows, in order: the model's own, then Previous / Next for a paged list, then
 * "Download CSV" when the full list is offered by reference. None is ever left out by a renderer.
 */
export function cardButtons(model: CardModel): Button[] {
  const buttons = [...model.buttons];
  const pagination = model.pagination;
  if (pagination !== undefined && pagination.page > 1) {
    buttons.push({
      id: PAGE_PREV_VERB,
      label: '◀ Previous',
      style: 'default',
      data: { ...pagination.data, page: String(pagination.page - 1) },
    });
  }
  if (pagination !== undefined && pagination.page < pagination.pageCount) {
    buttons.push({
      id: PAGE_NEXT_VERB,
      label: 'Next ▶',
      style: 'default',
      data: { ...pagination.data, page: String(pagination.page + 1) },
    });
  }
  if (model.csv?.reference !== undefined) {
    buttons.push({
      id: DOWNLOAD_CSV_VERB,
      label: `Download ${model.csv.filename}`,
      style: 'default',
      data: { csv: model.csv.reference },
    });
  }
  return buttons;
}

/** "Page 2 of 7", or nothing for a one-page card. */
export function pageLabel(model: CardModel): string | undefined {
  const pagination = model.pagination;
  return pagination === undefined ? undefined : `Page ${pagination.page} of ${pagination.pageCount}`;
}

/** "Full list (523 rows): users.csv" — the CSV offer as a line of text. */
export function csvLabel(model: CardModel): string | undefined {
  const csv = model.csv;
  if (csv === undefined) return undefined;
  const rows = `${csv.rowCount} ${csv.rowCount === 1 ? 'row' : 'rows'}`;
  const where = csv.content !== undefined ? 'attached' : 'download below';
  return `Full list (${rows}) as CSV, ${where}: ${csv.filename}`;
}

/** A file the adapter posts beside the card (Slack files upload, Teams attachment). */
export interface CardFile {
  filename: string;
  content: string;
  mimeType: 'text/csv';
}

export function cardFiles(model: CardModel): CardFile[] {
  const csv = model.csv;
  if (csv?.content === undefined) return [];
  return [{ filename: csv.filename, content: csv.content, mimeType: 'text/csv' }];
}

/** How many rows were left out of a table, as the line that says so. */
export function omittedRowsLabel(omitted: number, model: CardModel): string {
  const where =
    model.csv !== undefined ? ' (see the CSV)' : model.pagination !== undefined ? ' (next page)' : '';
  return `… ${omitted} more ${omitted === 1 ? 'row' : 'rows'} not shown${where}`;
}

/** How many facts or notes were left out. */
export function omittedItemsLabel(omitted: number, what: 'facts' | 'notes'): string {
  const noun = omitted === 1 ? what.slice(0, -1) : what;
  return `… ${omitted} more ${noun} not shown`;
}
