import { CardFactory, type Activity } from 'botbuilder';
import { renderAdaptiveCard } from '../../cards/render-adaptive.js';
import type { CardFile } from '../../cards/actions.js';
import type { CardModel } from '../../cards/model.js';
import type { JsonObject } from '../../cards/budget.js';

/**
 * Card model → the message activity Teams receives: one Adaptive Card 1.5 attachment (cards/render-adaptive.ts
 * keeps it under 28 KB), and a way back when the Bot Connector still answers 413 MessageSizeTooBig (its 40 KB
 * counts the whole activity): the card is sent again as a compact card — content cut hard, every button kept.
 */

export function cardAttachmentActivity(card: JsonObject, id?: string): Partial<Activity> {
  return {
    type: 'message',
    ...(id === undefined ? {} : { id }),
    attachments: [CardFactory.adaptiveCard(card)],
  };
}

export interface RenderedActivity {
  activity: Partial<Activity>;
  /** CSV files the card offers by content, to post beside it. */
  files: CardFile[];
}

export function renderActivity(model: CardModel, id?: string): RenderedActivity {
  const rendered = renderAdaptiveCard(model);
  return { activity: cardAttachmentActivity(rendered.card, id), files: rendered.files };
}

const COMPACT = { facts: 10, rows: 10, notes: 3, noteChars: 500 } as const;

/** A smaller card of the same model: first facts, rows and notes only, and a line saying it was shortened. */
export function compactModel(model: CardModel): CardModel {
  const notes = model.notes
    .slice(0, COMPACT.notes)
    .map((note) => ({ ...note, text: note.text.slice(0, COMPACT.noteChars) }));
  return {
    ...model,
    facts: model.facts.slice(0, COMPACT.facts),
    tables: model.tables.map((table) => ({ ...table, rows: table.rows.slice(0, COMPACT.rows) })),
    notes: [...notes, { text: 'Shortened to fit the Teams message size limit.', tone: 'warning' }],
    chart: undefined,
  };
}

export function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Sends (or updates) a card with `transmit`; on 413 once more as the compact card. Returns transmit's result
 * and the files of the card that was sent.
 */
export async function transmitCard<T>(
  model: CardModel,
  transmit: (activity: Partial<Activity>) => Promise<T>,
  id?: string,
): Promise<{ result: T; files: CardFile[] }> {
  const rendered = renderActivity(model, id);
  try {
    return { result: await transmit(rendered.activity), files: rendered.files };
  } catch (error) {
    if (statusCodeOf(error) !== 413) throw error;
    const compact = renderActivity(compactModel(model), id);
    return { result: await transmit(compact.activity), files: compact.files };
  }
}

/**
 * Teams bots cannot attach an arbitrary file to a message: a file needs the file-consent flow in a personal
 * chat (FileConsentCard, then an upload to the user's OneDrive) or Graph in channels, and the Bot Connector
 * refuses a text/csv attachment. The CSV therefore travels as text: cards holding it in monospace, at most
 * CSV_PARTS messages of CSV_PART_CHARS each (about 18 KB as UTF-16 for ordinary CSV, and under Teams' 40 KB
 * even if JSON had to escape every character); rows beyond that are left out and the last card says how many.
 * [decision; a file-consent upload to the user's OneDrive is future work]
 */
export const CSV_PART_CHARS = 9_000;
export const CSV_PARTS = 4;

function csvPartCard(filename: string, part: number, parts: number, text: string, note?: string): JsonObject {
  const body: JsonObject[] = [
    {
      type: 'TextBlock',
      text: parts > 1 ? `${filename} (part ${part} of ${parts})` : filename,
      weight: 'bolder',
      wrap: true,
    },
    // A TextRun is plain text (no Markdown), so the CSV shows exactly as it is.
    {
      type: 'RichTextBlock',
      inlines: [{ type: 'TextRun', text, fontType: 'Monospace', size: 'small' }],
    },
  ];
  if (note !== undefined) body.push({ type: 'TextBlock', text: note, isSubtle: true, wrap: true });
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    fallbackText: filename,
    body,
  };
}

/** Splits CSV text at record ends into at most CSV_PARTS chunks; reports the records that did not fit. */
export function csvChunks(content: string): { chunks: string[]; omittedRecords: number } {
  const records = content.split(/(?<=\r?\n)/).filter((record) => record !== '');
  const chunks: string[] = [];
  let current = '';
  let index = 0;
  for (; index < records.length; index += 1) {
    const record = (records[index] ?? '').slice(0, CSV_PART_CHARS);
    if (current.length + record.length > CSV_PART_CHARS) {
      chunks.push(current);
      current = '';
      if (chunks.length === CSV_PARTS) break;
    }
    current += record;
  }
  if (current !== '' && chunks.length < CSV_PARTS) chunks.push(current);
  return { chunks, omittedRecords: records.length - index };
}

/** The CSV as message activities (see CSV_PART_CHARS). */
export function csvActivities(filename: string, content: string): Partial<Activity>[] {
  const { chunks, omittedRecords } = csvChunks(content);
  if (chunks.length === 0) chunks.push('(empty)');
  return chunks.map((chunk, index) => {
    const last = index === chunks.length - 1;
    const note =
      last && omittedRecords > 0
        ? `${omittedRecords} more ${omittedRecords === 1 ? 'line' : 'lines'} did not fit into Teams messages; narrow the list to see them.`
        : undefined;
    return cardAttachmentActivity(csvPartCard(filename, index + 1, chunks.length, chunk, note));
  });
}
