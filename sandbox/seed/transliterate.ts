/**
 * Turns display names into tokens for user principal names and mail nicknames. Graph's UPN character set
 * is A-Z a-z 0-9 ' . - _ ! # ^ ~ (graph-behaviour §2); names such as "José Müller-Łukasiewicz" or
 * "Zoë D’Angelo" have to be transliterated the way an administrator would, not rejected.
 */

/** Letters that Unicode decomposition does not reduce to ASCII. */
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  ẞ: 'SS',
  ø: 'o',
  Ø: 'O',
  æ: 'ae',
  Æ: 'Ae',
  œ: 'oe',
  Œ: 'Oe',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  þ: 'th',
  Þ: 'Th',
  ı: 'i',
  '\u2019': "'",
  '\u2018': "'",
  ʼ: "'",
};

/** German convention: Müller → Mueller, Jörg → Joerg (Turkish and Nordic names keep the plain vowel). */
const GERMAN_UMLAUTS: Readonly<Record<string, string>> = {
  ä: 'ae',
  ö: 'oe',
  ü: 'ue',
  Ä: 'Ae',
  Ö: 'Oe',
  Ü: 'Ue',
};

const COMBINING_MARKS = /[\u0300-\u036f]/g;
/** Everything outside the UPN set, and '.' (we join name parts with '.' ourselves, never inside a part). */
const NOT_IN_TOKEN = /[^A-Za-z0-9'\-_!#^~]/g;

export interface TransliterateOptions {
  germanUmlauts?: boolean;
}

/**
 * One name part → a UPN-safe token, case preserved: "Müller" → "Mueller" (German) / "Muller", "O'Brien" →
 * "O'Brien", "van der Berg" → "vanderBerg", "Nguyễn" → "Nguyen". Returns '' when nothing usable is left.
 */
export function transliterateName(name: string, options: TransliterateOptions = {}): string {
  let text = '';
  for (const char of name) {
    const umlaut = options.germanUmlauts === true ? GERMAN_UMLAUTS[char] : undefined;
    text += umlaut ?? SPECIAL_LETTERS[char] ?? char;
  }
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(NOT_IN_TOKEN, '')
    .replace(/^['\-_]+|['\-_]+$/g, '');
}

export const MAX_UPN_LOCAL_PART = 64;

/**
 * Joins tokens with '.' into a local part of at most `maxLength` characters that neither starts nor ends
 * with '.' (Graph refuses a '.' right before '@') and has no '..'.
 */
export function joinLocalPart(tokens: readonly string[], maxLength: number = MAX_UPN_LOCAL_PART): string {
  const joined = tokens.filter((token) => token.length > 0).join('.');
  return joined.slice(0, maxLength).replace(/\.+$/, '');
}
