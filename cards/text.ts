import type { Chart, Progress } from './model.js';

/** Marks every cut: a reader must see that something was left out. */
export const ELLIPSIS = '…';

/**
 * At most `max` UTF-16 code units (what both platforms' limits are measured in, or more strictly than they
 * are), ending in "…" when cut. A surrogate pair is never split, so an emoji is kept whole or left out.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - ELLIPSIS.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, Math.max(end, 0))}${ELLIPSIS}`;
}

/** Line breaks and runs of white space become one space (headers, labels, table cells). */
export function singleLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** `width` cells: `filled` of ▓, the rest ░. */
export function textBar(fraction: number, width: number): string {
  const clamped = Number.isFinite(fraction) ? Math.min(Math.max(fraction, 0), 1) : 0;
  const filled = Math.round(clamped * width);
  return '▓'.repeat(filled) + '░'.repeat(width - filled);
}

/** "▓▓▓▓░░░░░░ 40/100, 2 failed" — the compact progress line both renderers show. */
export function progressLine(progress: Progress, width = 10): string {
  const fraction = progress.total === 0 ? 1 : progress.done / progress.total;
  const failed = progress.failed > 0 ? `, ${progress.failed} failed` : '';
  return `${textBar(fraction, width)} ${progress.done}/${progress.total}${failed}`;
}

/** Formats a chart value without float noise: 12, 12.5, 0.33. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
}

/**
 * The chart as monospace text bars, one line per series entry, bars scaled to the largest value:
 * "Bound    ▓▓▓▓▓▓▓▓░░░░ 120".
 */
export function chartTextBars(chart: Chart, barWidth = 12, labelWidth = 16): string[] {
  const max = Math.max(...chart.series.map((point) => point.value));
  const labels = chart.series.map((point) => truncate(singleLine(point.label), labelWidth));
  const pad = Math.max(...labels.map((label) => label.length));
  return chart.series.map((point, index) => {
    const fraction = max === 0 ? 0 : point.value / max;
    return `${(labels[index] ?? '').padEnd(pad)} ${textBar(fraction, barWidth)} ${formatNumber(point.value)}`;
  });
}

/**
 * Rows as aligned monospace text: a header line, a rule, then one line per row. Each column is as wide as
 * its widest cell, up to `cap` characters (an e-mail address fits whole); longer cells are cut with "…".
 */
export function monospaceTable(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  cap = 40,
): string[] {
  const clip = (cell: string): string => truncate(singleLine(cell), cap);
  const header = columns.map(clip);
  const body = rows.map((row) => row.map(clip));
  const widths = header.map((cell, index) =>
    Math.max(cell.length, ...body.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '─'.repeat(width)).join('  ');
  return [line(header), rule, ...body.map(line)];
}
