/**
 * Tokens of the OData $filter subset the sandbox understands. String literals use single quotes with '' as
 * the escaped quote, so `'o''brien'` is the literal o'brien; an unterminated literal is a syntax error,
 * never a shorter string.
 */
export type FilterToken =
  | { kind: 'identifier'; text: string; position: number }
  | { kind: 'string'; value: string; position: number }
  | { kind: 'number'; value: number; position: number }
  | { kind: 'datetime'; value: string; position: number }
  | { kind: 'punctuation'; text: '(' | ')' | ',' | ':' | '/'; position: number }
  | { kind: 'end'; position: number };

export class FilterSyntaxError extends Error {
  constructor(readonly position: number) {
    super(`invalid filter syntax at position ${position}`);
  }
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})/;
const NUMBER = /^-?\d+(\.\d+)?/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*/;

export function tokenize(source: string): FilterToken[] {
  const tokens: FilterToken[] = [];
  let position = 0;
  while (position < source.length) {
    const char = source.charAt(position);
    if (char === ' ' || char === '\t') {
      position += 1;
    } else if (char === "'") {
      const { value, next } = readString(source, position);
      tokens.push({ kind: 'string', value, position });
      position = next;
    } else if (char === '(' || char === ')' || char === ',' || char === ':' || char === '/') {
      tokens.push({ kind: 'punctuation', text: char, position });
      position += 1;
    } else {
      position = readWord(source, position, tokens);
    }
  }
  tokens.push({ kind: 'end', position });
  return tokens;
}

function readString(source: string, start: number): { value: string; next: number } {
  let value = '';
  let position = start + 1;
  for (;;) {
    const quote = source.indexOf("'", position);
    if (quote < 0) throw new FilterSyntaxError(start);
    value += source.slice(position, quote);
    if (source.charAt(quote + 1) === "'") {
      value += "'";
      position = quote + 2;
    } else {
      return { value, next: quote + 1 };
    }
  }
}

function readWord(source: string, position: number, tokens: FilterToken[]): number {
  const rest = source.slice(position);
  const datetime = DATETIME.exec(rest);
  if (datetime) {
    tokens.push({ kind: 'datetime', value: datetime[0], position });
    return position + datetime[0].length;
  }
  const number = NUMBER.exec(rest);
  if (number) {
    tokens.push({ kind: 'number', value: Number(number[0]), position });
    return position + number[0].length;
  }
  const identifier = IDENTIFIER.exec(rest);
  if (identifier) {
    tokens.push({ kind: 'identifier', text: identifier[0], position });
    return position + identifier[0].length;
  }
  throw new FilterSyntaxError(position);
}
