/**
 * Splits a command line into words. Words are separated by white space or commas, so
 * "bind a@x.com, b@x.com c@x.com" names three users. A quote opens a quoted word only at the start of a word
 * and closes it only before a separator or the end, so an apostrophe inside an address
 * (liam.o'brien@contoso.com) is an ordinary character while "Sales and Marketing" stays one word.
 *
 * Chat clients rewrite what people type: Slack wraps addresses and links in <mailto:…|…> / <http…|…>, macOS
 * turns -- into an em dash and straight quotes into curly ones, Teams marks mentions as <at>Name</at>. Those
 * are undone here so that what the admin typed is what is parsed.
 */

export interface Token {
  text: string;
  /** Typed in quotes: never an option, even when it starts with "--". */
  quoted: boolean;
}

const CLOSING_QUOTE: Record<string, string> = {
  '"': '"',
  "'": "'",
  '“': '”',
  '”': '”',
  '‘': '’',
  '„': '“',
};

const SEPARATOR = /[\s,]/;

/**
 * Slack's link markup, Teams' mention markup and typographic dashes, back to what was typed. The markup's
 * parts never hold a '<' (Slack escapes it), so no pattern may run past one: otherwise a line of many
 * unclosed "<mailto:" costs time growing with the square of its length.
 */
export function normaliseCommandText(text: string): string {
  return text
    .replace(/\u00a0/g, ' ')
    .replace(/<(?:mailto:|https?:\/\/)[^|<>]*\|([^<>]*)>/g, '$1')
    .replace(/<mailto:([^|<>]*)>/g, '$1')
    .replace(/<at>([^<]*)<\/at>/g, (_, name: string) => `"@${name.trim()}"`)
    .replace(/(^|[\s,])[—–](?=\S)/g, '$1--');
}

function isBoundary(text: string, index: number): boolean {
  const next = text.charAt(index);
  return next === '' || SEPARATOR.test(next);
}

/** Reads a quoted word starting at `start` (the opening quote); returns it and the index after it. */
function readQuoted(text: string, start: number, close: string): { word: string; end: number } | null {
  for (let index = start + 1; index < text.length; index += 1) {
    if (text.charAt(index) === close && isBoundary(text, index + 1)) {
      return { word: text.slice(start + 1, index), end: index + 1 };
    }
  }
  return null;
}

export function tokenize(input: string): Token[] {
  const text = normaliseCommandText(input);
  const tokens: Token[] = [];
  // A quote that found no closing one from here finds none from any later place either: remembering that
  // keeps a line of many unclosed quotes linear (each one would otherwise read to the end of the line).
  const unclosed = new Set<string>();
  let index = 0;
  while (index < text.length) {
    const char = text.charAt(index);
    if (SEPARATOR.test(char)) {
      index += 1;
      continue;
    }
    const close = CLOSING_QUOTE[char];
    const quoted = close === undefined || unclosed.has(close) ? null : readQuoted(text, index, close);
    if (quoted === null && close !== undefined) unclosed.add(close);
    if (quoted !== null) {
      tokens.push({ text: quoted.word, quoted: true });
      index = quoted.end;
      continue;
    }
    let end = index;
    while (end < text.length && !SEPARATOR.test(text.charAt(end))) end += 1;
    tokens.push({ text: text.slice(index, end), quoted: false });
    index = end;
  }
  return tokens;
}
