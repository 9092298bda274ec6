import { paginateCard, TABLE_PAGE_SIZE } from '../../cards/paginate.js';
import {
  parseCardModel,
  type ButtonData,
  type CardModel,
  type CardModelInput,
  type Table,
  type Tone,
} from '../../cards/model.js';
import type { Platform } from './types.js';

/** Small cards every part of the chat core answers with, and paging of long cards. */

export function messageCard(title: string, text: string, tone: Tone = 'info'): CardModel {
  return parseCardModel({ title, tone, notes: [{ text, tone }] });
}

/** A refusal or a problem: one sentence, nothing ran. */
export function refusalCard(sentence: string): CardModel {
  return parseCardModel({ title: 'Not done', tone: 'warning', notes: [{ text: sentence, tone: 'warning' }] });
}

export function argumentErrorCard(sentence: string, example: string): CardModel {
  return parseCardModel({
    title: 'Not done',
    tone: 'warning',
    notes: [{ text: `${sentence} Example: ${example}`, tone: 'warning' }],
  });
}

export const UNAVAILABLE_SENTENCE =
  "The bot's database is temporarily unavailable, so nothing was changed; try again in a moment.";

export function unavailableCard(): CardModel {
  return parseCardModel({
    title: 'Temporarily unavailable',
    tone: 'danger',
    notes: [{ text: UNAVAILABLE_SENTENCE, tone: 'danger' }],
  });
}

export function workingCard(title: string, text: string): CardModel {
  return parseCardModel({ title, status: 'Working…', tone: 'info', notes: [{ text }] });
}

/**
 * What someone typed, quoted back in a sentence: at most `max` code points (so no surrogate pair is cut in
 * half), cut with "…".
 */
export function clipped(text: string, max = 100): string {
  if (text.length <= max) return text;
  const characters = Array.from(text);
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join('')}…`;
}

/** "2026-08-14 09:30 UTC". */
export function formatWhen(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function longestTable(card: CardModel): Table | undefined {
  return card.tables.reduce<Table | undefined>(
    (best, table) => (best === undefined || table.rows.length > best.rows.length ? table : best),
    undefined,
  );
}

export interface PageOptions {
  platform: Platform;
  page: number;
  /** What Previous / Next carry back ({ request } or { view }). */
  data: ButtonData;
  /** The stored view whose longest table "Download CSV" sends; none: no CSV offer. */
  viewId?: string;
  csvFilename: string;
}

/**
 * One page of a stored card for a platform. A card longer than a page offers its longest table as a CSV by
 * reference (the "Download CSV" button brings back the view id), so no page carries the whole list.
 */
export function pageOf(input: CardModel | CardModelInput, options: PageOptions): CardModel {
  const card = parseCardModel(input);
  const pageSize = TABLE_PAGE_SIZE[options.platform];
  const longest = longestTable(card);
  if (longest === undefined || longest.rows.length <= pageSize) return card;
  const withCsv: CardModel =
    card.csv !== undefined || options.viewId === undefined
      ? card
      : {
          ...card,
          csv: { filename: options.csvFilename, rowCount: longest.rows.length, reference: options.viewId },
        };
  return paginateCard(withCsv, {
    page: options.page,
    pageSize,
    data: options.data,
    csvFilename: options.csvFilename,
  });
}

/** The longest table of a stored card, for a CSV download. */
export function csvTableOf(card: CardModel): Table | undefined {
  return longestTable(card);
}
