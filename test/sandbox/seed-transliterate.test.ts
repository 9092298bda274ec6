import { describe, it, expect } from '@jest/globals';
import { joinLocalPart, transliterateName } from '../../sandbox/seed/transliterate.js';

describe('transliterateName', () => {
  it.each([
    ['José', 'Jose'],
    ['Søren', 'Soren'],
    ['Zoë', 'Zoe'],
    ['Łukasz', 'Lukasz'],
    ['Groß', 'Gross'],
    ['Nguyễn', 'Nguyen'],
    ['Yılmaz', 'Yilmaz'],
    ["O'Brien", "O'Brien"],
    ['D’Angelo', "D'Angelo"],
    ['van der Berg', 'vanderBerg'],
    ['Al-Sayed', 'Al-Sayed'],
    ['St. John', 'StJohn'],
  ])('turns %s into %s', (name, token) => {
    expect(transliterateName(name)).toBe(token);
  });

  it('uses the German umlaut convention only when asked', () => {
    expect(transliterateName('Müller', { germanUmlauts: true })).toBe('Mueller');
    expect(transliterateName('Müller')).toBe('Muller');
  });

  it('keeps only characters of the UPN set', () => {
    expect(transliterateName('Ann (Contractor) <x>; "y"')).toMatch(/^[A-Za-z0-9'\-_!#^~]*$/);
  });
});

describe('joinLocalPart', () => {
  it('joins with dots, skips empty parts and never ends with a dot', () => {
    expect(joinLocalPart(['anna', '', 'berg'])).toBe('anna.berg');
    expect(joinLocalPart(['a'.repeat(63), 'b'])).toBe('a'.repeat(63));
  });
});
