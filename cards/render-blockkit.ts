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
  actionsBlocks,
  BLOCK_KIT_LIMITS,
  characterWeight,
  contextBlock,
  mrkdwn,
  mrkdwnObject,
  plainText,
  sectionBlock,
  TEXT_LEVELS,
  TONE_EMOJI,
  type TextLevel,
} from './blockkit-elements.js';
import type { JsonObject } from './budget.js';
import {
  cardModelSchema,
  type CardModel,
  type CardModelInput,
  type Chart,
  type Table,
  type Tone,
} from './model.js';
import { chartTextBars, monospaceTable, progressLine, singleLine } from './text.js';

/**
 * Card model → a Slack message (Block Kit, chat-platforms.md §1.7): header, context, sections with text or
 * fields, actions; tables as preformatted text; progress and the chart as compact text bars; always a
 * top-level `text` for notifications. Within 50 blocks and ~12 000 characters in all, content is cut in
 * order of least importance (table rows, chart, notes, facts) and every cut says so; buttons are never cut.
 * Pure: same model in, same message out.
 */

export interface BlockKitMessage {
  /** Notification / screen-reader text (Slack shows it where blocks cannot be shown). */
  text: string;
  blocks: JsonObject[];
  /** Facts, notes, rows or the chart were left out to fit (the message says so with a "…" line). */
  cut: boolean;
  /** Post as ephemeral messages to these users instead of to the channel (user-specific views). */
  ephemeralUserIds: string[];
  /** The CSV to upload beside the message, when the model offers one by content. */
  files: CardFile[];
}

interface Budget {
  blocks: number;
  chars: number;
}

interface Grouping {
  canJoin(group: readonly string[], unit: string): boolean;
  block(group: readonly string[], first: boolean): JsonObject;
}

interface Packed {
  blocks: JsonObject[];
  omitted: number;
}

/**
 * Packs units (fields, lines) into as few blocks as the grouping allows, while the blocks fit `budget`; when
 * some units must go, room for one "… N more" block (`reserve`) is kept. Spends what it uses from `budget`.
 */
function pack(units: readonly string[], grouping: Grouping, budget: Budget, reserve: Budget): Packed {
  const closed: JsonObject[] = [];
  let closedChars = 0;
  let current: string[] = [];
  let used = 0;
  for (const [index, unit] of units.entries()) {
    const joins = current.length > 0 && grouping.canJoin(current, unit);
    // A unit that cannot join the open group closes it as it is and opens a new one.
    const closing = !joins && current.length > 0 ? grouping.block(current, closed.length === 0) : undefined;
    const closedAfter = closed.length + (closing === undefined ? 0 : 1);
    const candidate = joins ? [...current, unit] : [unit];
    const closingChars = closing === undefined ? 0 : characterWeight(closing);
    const chars = closedChars + closingChars + characterWeight(grouping.block(candidate, closedAfter === 0));
    const needs = index === units.length - 1 ? { blocks: 0, chars: 0 } : reserve;
    if (closedAfter + 1 + needs.blocks > budget.blocks || chars + needs.chars > budget.chars) break;
    if (closing !== undefined) {
      closed.push(closing);
      closedChars += closingChars;
    }
    current = candidate;
    used += 1;
  }
  const blocks = current.length > 0 ? [...closed, grouping.block(current, closed.length === 0)] : closed;
  budget.blocks -= blocks.length;
  budget.chars -= characterWeight(blocks);
  return { blocks, omitted: units.length - used };
}

const SECTION = BLOCK_KIT_LIMITS.sectionText;

function linesGrouping(prefix: string, wrap: (body: string) => string): Grouping {
  const text = (group: readonly string[], first: boolean): string =>
    `${first ? prefix : ''}${wrap(group.join('\n'))}`;
  return {
    canJoin: (group, unit) => text([...group, unit], false).length + prefix.length <= SECTION,
    block: (group, first) => sectionBlock(text(group, first)),
  };
}

const fieldsGrouping: Grouping = {
  canJoin: (group) => group.length < BLOCK_KIT_LIMITS.sectionFields,
  block: (group) => ({ type: 'section', fields: group.map(mrkdwnObject) }),
};

const code = (body: string): string => `\`\`\`\n${body}\n\`\`\``;
const asIs = (body: string): string => body;

function factField(label: string, value: string): string {
  const title = singleLine(label);
  const head = title === '' ? '' : `*${mrkdwn(title, 200)}*\n`;
  const body = value.trim() === '' ? '—' : value;
  return `${head}${mrkdwn(body, BLOCK_KIT_LIMITS.fieldText - head.length)}`;
}

/** The header (column names and a rule) as one unit, then one unit per row. */
function tableUnits(table: Table): string[] {
  const [header = '', rule = '', ...rows] = monospaceTable(table.columns, table.rows).map((line) =>
    mrkdwn(line, 2000),
  );
  return [`${header}\n${rule}`, ...rows];
}

function noteUnit(text: string, tone: Tone | undefined): string {
  const emoji = tone === undefined ? '' : `${TONE_EMOJI[tone]} `;
  return `${emoji}${mrkdwn(text, SECTION - 10)}`;
}

function chartUnit(chart: Chart): string {
  return code(
    chartTextBars(chart)
      .map((line) => mrkdwn(line, 200))
      .join('\n'),
  );
}

const bold = (text: string, max: number): string => `*${mrkdwn(singleLine(text), max)}*\n`;
const markerBlock = (text: string): JsonObject => contextBlock([mrkdwn(text, 300)]);
const NO_RESERVE: Budget = { blocks: 0, chars: 0 };

interface Marked {
  blocks: JsonObject[];
  cut: boolean;
}

/** Packs the units and, when some were left out, adds the (prepaid) block that says so. */
function packMarked(
  units: readonly string[],
  grouping: Grouping,
  budget: Budget,
  omittedLabel: (omitted: number) => string,
): Marked {
  const packed = pack(units, grouping, budget, NO_RESERVE);
  if (packed.omitted === 0) return { blocks: packed.blocks, cut: false };
  return { blocks: [...packed.blocks, markerBlock(omittedLabel(packed.omitted))], cut: true };
}

function packTable(table: Table, model: CardModel, budget: Budget): Marked {
  const caption = table.caption === undefined ? '' : bold(table.caption, 300);
  // The first unit is the header: when even it does not fit, the whole table is left out.
  return packMarked(tableUnits(table), linesGrouping(caption, code), budget, (omitted) => {
    const rows = Math.min(omitted, table.rows.length);
    return rows > 0 ? omittedRowsLabel(rows, model) : '… table not shown';
  });
}

/**
 * Spends the budget on facts, notes, the chart, then table rows. Room for each section's "… N more" block
 * is set aside first, so marking a cut never pushes the message over 50 blocks or the character budget.
 */
function fitContent(model: CardModel, budget: Budget): Marked[] {
  const sections =
    (model.facts.length > 0 ? 1 : 0) +
    (model.notes.length > 0 ? 1 : 0) +
    (model.chart ? 1 : 0) +
    model.tables.length;
  budget.blocks -= sections;
  budget.chars -= sections * characterWeight(markerBlock(omittedRowsLabel(99_999, model)));
  const factUnits = model.facts.map((fact) => factField(fact.label, fact.value));
  const facts = packMarked(factUnits, fieldsGrouping, budget, (n) => omittedItemsLabel(n, 'facts'));
  const noteUnits = model.notes.map((note) => noteUnit(note.text, note.tone));
  const notes = packMarked(noteUnits, linesGrouping('', asIs), budget, (n) => omittedItemsLabel(n, 'notes'));
  const chart =
    model.chart === undefined
      ? { blocks: [], cut: false }
      : packMarked(
          [chartUnit(model.chart)],
          linesGrouping(bold(model.chart.title, 200), asIs),
          budget,
          () => '… chart not shown',
        );
  const tables = model.tables.map((table) => packTable(table, model, budget));
  // Display order: facts, chart, tables, notes.
  return [facts, chart, ...tables, notes];
}

function headBlocks(model: CardModel, level: TextLevel): JsonObject[] {
  const head: JsonObject[] = [{ type: 'header', text: plainText(model.title, BLOCK_KIT_LIMITS.headerText) }];
  const status = model.status === undefined ? '' : ` *${mrkdwn(singleLine(model.status), 200)}*`;
  head.push(contextBlock([`${TONE_EMOJI[model.tone]}${status}`]));
  if (model.subtitle !== undefined && model.subtitle.trim() !== '') {
    head.push(sectionBlock(mrkdwn(model.subtitle, level.subtitle)));
  }
  if (model.progress !== undefined) {
    const label = model.progress.label === undefined ? '' : `  ${singleLine(model.progress.label)}`;
    head.push(sectionBlock(mrkdwn(`${progressLine(model.progress)}${label}`, level.subtitle)));
  }
  return head;
}

function fallbackText(model: CardModel): string {
  const parts = [singleLine(model.title)];
  if (model.status !== undefined) parts.push(singleLine(model.status));
  if (model.progress !== undefined) parts.push(progressLine(model.progress));
  if (model.subtitle !== undefined) parts.push(singleLine(model.subtitle));
  const text = parts.filter((part) => part !== '').join(' — ');
  return mrkdwn(text === '' ? 'Message' : text, BLOCK_KIT_LIMITS.fallbackText);
}

/** Content always gets at least this much of the character budget, taken from the fixed part if need be. */
const MIN_CONTENT_CHARS = 1500;

/** Head, footer and buttons at the first text level that leaves room for content, else at the last. */
function fixedBlocks(model: CardModel): { head: JsonObject[]; footer: JsonObject[]; actions: JsonObject[] } {
  const footerTexts = [pageLabel(model), csvLabel(model)].filter((text) => text !== undefined);
  const footer = footerTexts.length === 0 ? [] : [contextBlock(footerTexts.map((text) => mrkdwn(text, 300)))];
  const buttons = cardButtons(model);
  const last = TEXT_LEVELS.length - 1;
  for (const [index, level] of TEXT_LEVELS.entries()) {
    const head = headBlocks(model, level);
    const actions = actionsBlocks(buttons, level);
    const weight = characterWeight([...head, ...footer, ...actions]);
    if (index === last || weight <= BLOCK_KIT_LIMITS.totalCharacters - MIN_CONTENT_CHARS) {
      return { head, footer, actions };
    }
  }
  throw new Error('TEXT_LEVELS is empty');
}

/** Renders a card model (validated here) as a Slack message within Block Kit's limits. */
export function renderBlockKit(input: CardModel | CardModelInput): BlockKitMessage {
  const model = cardModelSchema.parse(input);
  const { head, footer, actions } = fixedBlocks(model);
  const fixed = [...head, ...footer, ...actions];
  const budget: Budget = {
    blocks: BLOCK_KIT_LIMITS.blocksPerMessage - fixed.length,
    chars: BLOCK_KIT_LIMITS.totalCharacters - characterWeight(fixed),
  };
  const content = fitContent(model, budget);
  const blocks = [...head, ...content.flatMap((section) => section.blocks), ...footer, ...actions];
  const weight = characterWeight(blocks);
  if (weight > BLOCK_KIT_LIMITS.hardCharacters || blocks.length > BLOCK_KIT_LIMITS.blocksPerMessage) {
    // Cannot happen within the model's limits (≤ 30 buttons, ≤ 100 characters of data each): a guard.
    throw new RangeError(`Slack message of ${blocks.length} blocks and ${weight} characters is too long`);
  }
  return {
    text: fallbackText(model),
    blocks,
    cut: content.some((section) => section.cut),
    ephemeralUserIds: [...(model.visibleTo?.slackUserIds ?? [])],
    files: cardFiles(model),
  };
}

export { verbOfActionId } from './blockkit-elements.js';
