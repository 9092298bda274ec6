import { describe, expect, it } from '@jest/globals';
import { csvField, neutraliseFormula, toCsv } from '../../cards/csv.js';

describe('CSV (RFC 4180)', () => {
  it('ends every record, the last included, with CRLF', () => {
    expect(toCsv(['a', 'b'], [['1', '2']])).toBe('a,b\r\n1,2\r\n');
  });

  it('writes a header-only document for an empty list', () => {
    expect(toCsv(['User'], [])).toBe('User\r\n');
  });

  it('quotes fields holding a comma, a quote, CR or LF, and doubles inner quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
  });

  it('leaves plain fields and Unicode unquoted and unchanged', () => {
    expect(csvField('Ada Lovelace')).toBe('Ada Lovelace');
    expect(csvField('שלום 👩‍💻 漢字')).toBe('שלום 👩‍💻 漢字');
    expect(csvField('')).toBe('');
  });

  it('round-trips through a strict RFC 4180 reader', () => {
    const rows = [['x,y', 'he said "no"', 'a\r\nb', '=1+1', 'plain']];
    expect(parseCsv(toCsv(['c1', 'c2', 'c3', 'c4', 'c5'], rows))).toEqual([
      ['c1', 'c2', 'c3', 'c4', 'c5'],
      ['x,y', 'he said "no"', 'a\r\nb', "'=1+1", 'plain'],
    ]);
  });
});

describe('CSV formula injection', () => {
  it.each(['=HYPERLINK("http://evil")', '+1', '-2', '@SUM(A1)', '\tcmd', '\rcmd'])(
    'prefixes %j with a single quote',
    (cell) => {
      expect(neutraliseFormula(cell)).toBe(`'${cell}`);
    },
  );

  it('does not touch cells that merely contain those characters later', () => {
    expect(neutraliseFormula('a=b')).toBe('a=b');
    expect(neutraliseFormula('user@contoso.example')).toBe('user@contoso.example');
  });

  it('neutralises before quoting, so a quoted formula is still inert', () => {
    expect(csvField('=1,2')).toBe(`"'=1,2"`);
    expect(toCsv(['=header'], [['-1']])).toBe("'=header\r\n'-1\r\n");
  });
});

/** A strict reader for the round trip: RFC 4180 records, CRLF separated. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text.charAt(index);
    if (char === '"' && field === '') {
      let end = index + 1;
      for (;;) {
        const quote = text.indexOf('"', end);
        if (quote < 0) throw new Error('unterminated quote');
        if (text.charAt(quote + 1) === '"') end = quote + 2;
        else {
          field = text.slice(index + 1, quote).replaceAll('""', '"');
          index = quote + 1;
          break;
        }
      }
      continue;
    }
    if (char === ',') {
      record.push(field);
      field = '';
      index += 1;
    } else if (text.startsWith('\r\n', index)) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      index += 2;
    } else {
      field += char;
      index += 1;
    }
  }
  return records;
}
