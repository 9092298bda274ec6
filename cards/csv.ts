/**
 * CSV for "the full list as a file" offers.
 *
 * RFC 4180: records end in CRLF; a field holding a comma, a double quote, CR or LF is enclosed in double
 * quotes, and a double quote inside it is doubled.
 *
 * Formula injection (OWASP "CSV Injection"): a spreadsheet treats a cell that starts with = + - @ as a
 * formula, and tab / carriage return as characters that can smuggle one in. Such cells get a leading
 * single quote, which spreadsheets show as plain text. Display names and departments come from the directory
 * and may be typed by anyone, so every cell is treated as hostile.
 */

const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

/** Makes a cell inert in spreadsheets: a leading quote before = + - @ (and tab / CR). */
export function neutraliseFormula(cell: string): string {
  const first = cell.charAt(0);
  return FORMULA_TRIGGERS.has(first) ? `'${cell}` : cell;
}

/** One RFC 4180 field: quoted only when it must be. */
export function csvField(cell: string): string {
  const safe = neutraliseFormula(cell);
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A CSV document: one header record, then one record per row, each ending in CRLF. */
export function toCsv(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const records = [columns, ...rows].map((record) => record.map(csvField).join(','));
  return records.map((record) => `${record}\r\n`).join('');
}
