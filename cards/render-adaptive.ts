import {
  cardButtons,
  cardFiles,
  csvLabel,
  omittedItemsLabel,
  omittedRowsLabel,
  pageLabel,
} from './actions.js';
import type { CardFile } from './actions.js';
import {
  ACTION_LEVELS,
  actionSets,
  type ActionLevel,
  chartElement,
  factJson,
  factSet,
  lines,
  noteBlock,
  progressElements,
  statusBlock,
  textBlock,
  titleBlock,
} from './adaptive-elements.js';
import { tableBaseCost, tableElements, tableRowCost } from './adaptive-table.js';
import { fitItems, jsonCost, type Json, type JsonObject } from './budget.js';
import { cardModelSchema, REFRESH_VERB, type CardModel, type CardModelInput, type Table } from './model.js';
import { singleLine, truncate } from './text.js';

/**
 * Card model → Adaptive Card 1.5 for Teams (chat-platforms.md §2.4): `version` "1.5" and `$schema`,
 * Action.Execute buttons (verb + data) inside ActionSets with an Action.Submit fallback for old clients,
 * `refresh.userIds` for user-specific views, a chart element with a text-bar fallback, and a size that
 * Teams accepts: measured as the JSON's UTF-16 bytes, content is cut (and marked "…") to stay under 28 KB;
 * 40 KB is a hard ceiling. Buttons are never cut: when they alone would crowd out the content, they get
 * cheaper step by step (ACTION_LEVELS: no Submit fallback, shorter labels and questions, at last no
 * ShowCard confirmation) and the result says so. The largest card the model allows measures ~37 KB, which
 * leaves room for the activity around it. Pure: same model in, same card out.
 */
export const ADAPTIVE_LIMITS = {
  /** Aim: the 28 KB card limit of webhooks and message extensions. */
  targetBytes: 28 * 1024,
  /** A bot message above 40 KB (UTF-16) is refused with 413 MessageSizeTooBig. */
  hardBytes: 40 * 1024,
  /** refresh.userIds holds at most 60 MRIs. */
  maxRefreshUserIds: 60,
} as const;

export const ADAPTIVE_SCHEMA_URL = 'http://adaptivecards.io/schemas/adaptive-card.json';

/** Content always gets at least this much room (characters), taken from the 40 KB ceiling if need be. */
const MIN_CONTENT_CHARS = 2048;

/** Size of a payload as Teams measures it: the JSON text in UTF-16, two bytes per code unit. */
export function utf16Bytes(value: Json): number {
  return JSON.stringify(value).length * 2;
}

export interface AdaptiveCardRender {
  card: JsonObject;
  /** utf16Bytes(card). */
  bytes: number;
  /** Facts, notes, rows or the chart were left out to fit (the card says so with a "…" line). */
  cut: boolean;
  /** Every button is there, but without the old-client Action.Submit fallbacks, which did not fit. */
  withoutSubmitFallback: boolean;
  /**
   * Every button is there, but danger buttons act without asking first: only when the buttons' questions
   * alone would break Teams' 40 KB limit (dozens of danger buttons with long confirmations).
   */
  withoutConfirmations: boolean;
  /** The CSV to post beside the card, when the model offers one by content. */
  files: CardFile[];
}

interface Frame {
  top: JsonObject[];
  bottom: JsonObject[];
  refresh: JsonObject | undefined;
  fallbackText: string;
}

function frameOf(model: CardModel, level: ActionLevel): Frame {
  const top = [titleBlock(model.title, model.tone)];
  if (model.status !== undefined) top.push(statusBlock(model.status, model.tone));
  if (model.subtitle !== undefined) {
    top.push(textBlock(lines(model.subtitle, level.subtitleCap), { isSubtle: true, spacing: 'small' }));
  }
  if (model.progress !== undefined) top.push(...progressElements(model.progress, level.subtitleCap));
  const bottom: JsonObject[] = [];
  const labels = [pageLabel(model), csvLabel(model)].filter((text) => text !== undefined);
  for (const label of labels) bottom.push(textBlock(label, { isSubtle: true, size: 'small' }));
  bottom.push(...actionSets(cardButtons(model), level));
  const userIds = model.visibleTo?.teamsUserIds ?? [];
  const refresh =
    userIds.length === 0
      ? undefined
      : {
          action: { type: 'Action.Execute', verb: REFRESH_VERB, data: { ...(model.visibleTo?.data ?? {}) } },
          userIds: userIds.slice(0, ADAPTIVE_LIMITS.maxRefreshUserIds),
        };
  const status = model.status === undefined ? '' : ` (${singleLine(model.status)})`;
  return { top, bottom, refresh, fallbackText: truncate(singleLine(`${model.title}${status}`), 300) };
}

function assemble(frame: Frame, middle: JsonObject[]): JsonObject {
  return {
    type: 'AdaptiveCard',
    $schema: ADAPTIVE_SCHEMA_URL,
    version: '1.5',
    fallbackText: frame.fallbackText,
    ...(frame.refresh === undefined ? {} : { refresh: frame.refresh }),
    body: [...frame.top, ...middle, ...frame.bottom],
  };
}

interface Sections {
  facts: JsonObject[];
  chart: JsonObject[];
  tables: JsonObject[];
  notes: JsonObject[];
  cut: boolean;
}

/** The room left for content, in JSON characters. "… N more" lines are paid for in advance. */
class Room {
  cut = false;
  constructor(public left: number) {}

  take(elements: JsonObject[]): JsonObject[] {
    this.left -= elements.reduce((sum, element) => sum + jsonCost(element), 0);
    return elements;
  }

  marker(text: string): JsonObject {
    this.cut = true;
    return markerBlock(text);
  }
}

const markerBlock = (text: string): JsonObject => textBlock(text, { isSubtle: true, size: 'small' });

function fitFacts(model: CardModel, room: Room): JsonObject[] {
  if (model.facts.length === 0) return [];
  const fitted = fitItems(model.facts.map(factJson), jsonCost, room.left - jsonCost(factSet([])), 0);
  const shown = fitted.kept.length > 0 ? room.take([factSet(fitted.kept)]) : [];
  return fitted.omitted > 0 ? [...shown, room.marker(omittedItemsLabel(fitted.omitted, 'facts'))] : shown;
}

function fitNotes(model: CardModel, room: Room): JsonObject[] {
  const blocks = model.notes.map((note) => noteBlock(note.text, note.tone));
  const fitted = fitItems(blocks, jsonCost, room.left, 0);
  const shown = room.take(fitted.kept);
  return fitted.omitted > 0 ? [...shown, room.marker(omittedItemsLabel(fitted.omitted, 'notes'))] : shown;
}

function fitChart(model: CardModel, room: Room): JsonObject[] {
  if (model.chart === undefined) return [];
  const element = chartElement(model.chart);
  return jsonCost(element) <= room.left ? room.take([element]) : [room.marker('… chart not shown')];
}

function fitTable(table: Table, model: CardModel, room: Room, withFallback: boolean): JsonObject[] {
  const base = tableBaseCost(table, withFallback);
  if (room.left < base) {
    // Not even the caption and header fit: the whole table is left out, and the marker says so.
    return [
      room.marker(table.rows.length > 0 ? omittedRowsLabel(table.rows.length, model) : '… table not shown'),
    ];
  }
  const fitted = fitItems(table.rows, (row) => tableRowCost(row, withFallback), room.left - base, 0);
  const shown = room.take(tableElements(table, fitted.kept, withFallback));
  return fitted.omitted > 0 ? [...shown, room.marker(omittedRowsLabel(fitted.omitted, model))] : shown;
}

/**
 * Fills the budget in order of importance: facts, notes, chart, then table rows. Room for each section's
 * "… N more" line is set aside first, so marking a cut never pushes the card over its budget.
 */
function fitSections(model: CardModel, budget: number, tableFallback: boolean): Sections {
  const sections =
    (model.facts.length > 0 ? 1 : 0) +
    (model.notes.length > 0 ? 1 : 0) +
    (model.chart ? 1 : 0) +
    model.tables.length;
  const room = new Room(budget - sections * jsonCost(markerBlock(omittedRowsLabel(99_999, model))));
  const facts = fitFacts(model, room);
  const notes = fitNotes(model, room);
  const chart = fitChart(model, room);
  const tables = model.tables.flatMap((table) => fitTable(table, model, room, tableFallback));
  return { facts, chart, tables, notes, cut: room.cut };
}

/** The first action level whose frame (everything but content) leaves room for content, else the last. */
function chooseFrame(model: CardModel, maxChars: number): { level: ActionLevel; frame: Frame } {
  const last = ACTION_LEVELS.length - 1;
  for (const [index, level] of ACTION_LEVELS.entries()) {
    const frame = frameOf(model, level);
    if (index === last || jsonCost(assemble(frame, [])) <= maxChars) return { level, frame };
  }
  throw new Error('ACTION_LEVELS is empty');
}

export interface AdaptiveRenderOptions {
  /** Give each Table a ColumnSet fallback (hosts that take 1.5 cards without Table); fewer rows fit. */
  tableFallback?: boolean;
}

/** Renders a card model (validated here) as an Adaptive Card that Teams accepts. */
export function renderAdaptiveCard(
  input: CardModel | CardModelInput,
  options: AdaptiveRenderOptions = {},
): AdaptiveCardRender {
  const model = cardModelSchema.parse(input);
  const targetChars = ADAPTIVE_LIMITS.targetBytes / 2;
  const hardChars = ADAPTIVE_LIMITS.hardBytes / 2;
  const { level, frame } = chooseFrame(model, targetChars - MIN_CONTENT_CHARS);
  const frameChars = jsonCost(assemble(frame, []));
  const budget = Math.max(
    targetChars - frameChars,
    Math.min(MIN_CONTENT_CHARS, hardChars - frameChars - 1024),
  );
  const sections = fitSections(model, budget, options.tableFallback ?? false);
  const card = assemble(frame, [...sections.facts, ...sections.chart, ...sections.tables, ...sections.notes]);
  const bytes = utf16Bytes(card);
  if (bytes > ADAPTIVE_LIMITS.hardBytes) {
    // Cannot happen within the model's limits (≤ 30 buttons, ≤ 100 characters of data each): a guard.
    throw new RangeError(
      `Adaptive Card of ${bytes} bytes exceeds Teams' ${ADAPTIVE_LIMITS.hardBytes}-byte limit`,
    );
  }
  return {
    card,
    bytes,
    cut: sections.cut,
    withoutSubmitFallback: !level.submitFallback,
    withoutConfirmations: !level.confirmations,
    files: cardFiles(model),
  };
}
