import { confirmFor } from './actions.js';
import type { JsonObject } from './budget.js';
import type { Button, Tone } from './model.js';
import { ELLIPSIS, singleLine, truncate } from './text.js';

/**
 * Block Kit limits (chat-platforms.md §1.7, from Slack's block reference and node-slack-sdk types), and the
 * builders that respect them. Every text passes through plainText() or mrkdwn(), which cut with "…".
 */
export const BLOCK_KIT_LIMITS = {
  blocksPerMessage: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  actionsElements: 25,
  contextElements: 10,
  buttonText: 75,
  actionId: 255,
  buttonValue: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  denyButton: 30,
  /** Top-level `text` is truncated by Slack above 40 000 characters; we keep the notification short. */
  fallbackText: 3000,
  /**
   * msg_blocks_too_long comes at ~13 000 characters in total, under every documented cap (bolt-js issue
   * #2509). Counted here as every string in the blocks (types and ids included): content is fitted into
   * 12 000; only a message whose buttons alone are huge may reach, never pass, 12 800.
   */
  totalCharacters: 12_000,
  hardCharacters: 12_800,
} as const;

export const TONE_EMOJI: Record<Tone, string> = {
  info: 'ℹ️',
  success: '✅',
  warning: '⚠️',
  danger: '⛔',
};

/** Slack's mrkdwn needs &, < and > escaped, or "<!channel>" and "<http://…|link>" in data become markup. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Escaped mrkdwn of at most `max` characters, ending in "…" when cut; no entity or emoji is ever split. */
export function mrkdwn(raw: string, max: number): string {
  const escaped = escapeMrkdwn(raw);
  if (escaped.length <= max) return escaped;
  let kept = '';
  for (const char of raw) {
    const piece = escapeMrkdwn(char);
    if (kept.length + piece.length > max - ELLIPSIS.length) break;
    kept += piece;
  }
  return `${kept}${ELLIPSIS}`;
}

/** A plain_text object: one line, never empty (Slack refuses empty text), cut to `max`. */
export function plainText(text: string, max: number, ifEmpty = '—'): JsonObject {
  const line = singleLine(text);
  return { type: 'plain_text', text: truncate(line === '' ? ifEmpty : line, max), emoji: true };
}

export function mrkdwnObject(text: string): JsonObject {
  return { type: 'mrkdwn', text: text === '' ? ' ' : text };
}

export function sectionBlock(text: string): JsonObject {
  return { type: 'section', text: mrkdwnObject(text) };
}

export function contextBlock(texts: readonly string[]): JsonObject {
  return { type: 'context', elements: texts.slice(0, BLOCK_KIT_LIMITS.contextElements).map(mrkdwnObject) };
}

/** action_id = the verb; a verb used twice in one message gets "#2", "#3" (see verbOfActionId). */
export function uniqueActionIds(buttons: readonly Button[]): string[] {
  const seen = new Map<string, number>();
  return buttons.map((button) => {
    const count = (seen.get(button.id) ?? 0) + 1;
    seen.set(button.id, count);
    return count === 1 ? button.id : `${button.id}#${count}`;
  });
}

/** The verb behind an action_id made by uniqueActionIds ("approve#2" → "approve"). */
export function verbOfActionId(actionId: string): string {
  return actionId.split('#', 1)[0] ?? actionId;
}

/**
 * How much text the fixed part of a message (head and buttons) can afford. The renderer starts at the first
 * level and moves down only when it would crowd out the content (a worst case of 30 danger buttons with long
 * confirmations); every level stays within the documented limits and keeps every button and confirm.
 */
export interface TextLevel {
  buttonText: number;
  confirmTitle: number;
  confirmText: number;
  confirmButton: number;
  subtitle: number;
}

export const TEXT_LEVELS: readonly TextLevel[] = [
  { buttonText: 75, confirmTitle: 100, confirmText: 300, confirmButton: 30, subtitle: 3000 },
  { buttonText: 40, confirmTitle: 60, confirmText: 150, confirmButton: 20, subtitle: 1000 },
  { buttonText: 20, confirmTitle: 20, confirmText: 40, confirmButton: 10, subtitle: 200 },
];

export function buttonElement(button: Button, actionId: string, level: TextLevel): JsonObject {
  const element: JsonObject = {
    type: 'button',
    text: plainText(button.label, level.buttonText, button.id),
    action_id: actionId,
    // ≤ 100 characters of opaque ids (model.ts): far below the 2000-character value limit.
    value: JSON.stringify(button.data),
  };
  if (button.style !== 'default') element['style'] = button.style;
  const confirm = confirmFor(button);
  if (confirm !== undefined) {
    element['confirm'] = {
      title: plainText(confirm.title, level.confirmTitle),
      text: plainText(confirm.text, level.confirmText),
      confirm: plainText(confirm.confirmLabel ?? 'Yes, continue', level.confirmButton),
      deny: plainText(confirm.denyLabel ?? 'Cancel', level.confirmButton),
      ...(button.style === 'danger' ? { style: 'danger' } : {}),
    };
  }
  return element;
}

/** Buttons in actions blocks of at most 25 elements each: every button is kept. */
export function actionsBlocks(buttons: readonly Button[], level: TextLevel): JsonObject[] {
  const ids = uniqueActionIds(buttons);
  const blocks: JsonObject[] = [];
  for (let start = 0; start < buttons.length; start += BLOCK_KIT_LIMITS.actionsElements) {
    const elements = buttons
      .slice(start, start + BLOCK_KIT_LIMITS.actionsElements)
      .map((button, offset) => buttonElement(button, ids[start + offset] ?? button.id, level));
    blocks.push({ type: 'actions', elements });
  }
  return blocks;
}

/** Every string in a JSON value, added up: what the ~13 000-character cliff is measured against. */
export function characterWeight(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + characterWeight(item), 0);
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).reduce((sum: number, item) => sum + characterWeight(item), 0);
  }
  return 0;
}
