import { ADAPTIVE_TEXT, textBlock } from './adaptive-elements.js';
import { jsonCost, type JsonObject } from './budget.js';
import type { Table } from './model.js';
import { singleLine, truncate } from './text.js';

/**
 * A list as an Adaptive Card 1.5 Table (header row first), optionally with a ColumnSet fallback for hosts
 * that take 1.5 cards without Table: one column per table column, one single-line TextBlock per cell (wrap
 * is off by default), so rows stay aligned. The fallback is off by default: Table is part of 1.5, a client
 * below 1.5 shows the card's fallbackText anyway, and the fallback costs about half as much again per row.
 * Costs are additive per row, so the renderer can keep exactly as many rows as its byte budget allows.
 */

function cellText(cell: string): string {
  return truncate(singleLine(cell), ADAPTIVE_TEXT.cell);
}

function tableRow(cells: readonly string[], header: boolean): JsonObject {
  const extra: JsonObject = header ? { weight: 'bolder' } : {};
  return {
    type: 'TableRow',
    cells: cells.map((cell) => ({ type: 'TableCell', items: [textBlock(cellText(cell), extra)] })),
  };
}

function fallbackCell(cell: string, header: boolean): JsonObject {
  return { type: 'TextBlock', text: cellText(cell), ...(header ? { weight: 'bolder' } : {}) };
}

/** The caption (if any) and the Table holding `rows` (already cut to what fits). */
export function tableElements(
  table: Table,
  rows: readonly (readonly string[])[],
  withFallback: boolean,
): JsonObject[] {
  const fallback: JsonObject = {
    type: 'ColumnSet',
    columns: table.columns.map((column, index): JsonObject => ({
      type: 'Column',
      width: 'stretch',
      items: [fallbackCell(column, true), ...rows.map((row) => fallbackCell(row[index] ?? '', false))],
    })),
  };
  const element: JsonObject = {
    type: 'Table',
    firstRowAsHeader: true,
    showGridLines: true,
    columns: table.columns.map(() => ({ width: 1 })),
    rows: [tableRow(table.columns, true), ...rows.map((row) => tableRow(row, false))],
    ...(withFallback ? { fallback } : {}),
  };
  const caption =
    table.caption === undefined
      ? []
      : [textBlock(truncate(singleLine(table.caption), ADAPTIVE_TEXT.caption), { weight: 'bolder' })];
  return [...caption, element];
}

/** What one more row adds to the card: its TableRow and its cells in the fallback columns. */
export function tableRowCost(row: readonly string[], withFallback: boolean): number {
  const fallback = withFallback ? row.reduce((sum, cell) => sum + jsonCost(fallbackCell(cell, false)), 0) : 0;
  return jsonCost(tableRow(row, false)) + fallback;
}

/** What the table costs with no rows at all (caption, header row, fallback headers). */
export function tableBaseCost(table: Table, withFallback: boolean): number {
  return tableElements(table, [], withFallback).reduce((sum, element) => sum + jsonCost(element), 0);
}
