/**
 * Entra's cloud password policy (graph-behaviour §4): 8–256 characters from the allowed set, three of the four
 * character classes, and Password Protection's banned-password evaluation.
 *
 * Simplification, documented: Microsoft's global banned list is secret and large; the sandbox uses a short
 * list of the most common base terms below. The evaluation itself follows the published algorithm: normalise
 * (lower-case, 0→o 1→l $→s @→a), find banned terms (global terms also at edit distance 1, the user's first and
 * last name and the tenant name as substrings, terms of 4+ characters), score 1 per term found plus 1 per
 * remaining character, and accept only at 5 or more.
 */

const SYMBOLS = '@#$%^&*-_!+=[]{}|\\:\',.?/`~"();<> ';
const ALLOWED = new RegExp(`^[A-Za-z0-9${SYMBOLS.replace(/[\]\\^-]/g, '\\$&')}]*$`);

const GLOBAL_BANNED = [
  'password',
  'welcome',
  'qwerty',
  'letmein',
  'admin',
  'administrator',
  'iloveyou',
  'monkey',
  'dragon',
  'football',
  'baseball',
  'sunshine',
  'princess',
  'starwars',
  'trustno1',
  'microsoft',
  'office',
  'summer',
  'winter',
  'spring',
  'autumn',
  'changeme',
  'abc123',
  '123456',
];

export interface PasswordContext {
  givenName: string | null;
  surname: string | null;
  /** The organisation's name, e.g. 'Contoso'. */
  tenantName: string;
}

/** `requireThreeClasses: false` models passwordPolicies 'DisableStrongPassword' (length and banned list remain). */
export function isPasswordAcceptable(
  password: string,
  context: PasswordContext,
  requireThreeClasses = true,
): boolean {
  if (password.length < 8 || password.length > 256 || !ALLOWED.test(password)) return false;
  if (requireThreeClasses && characterClasses(password) < 3) return false;
  return bannedPasswordScore(password, context) >= 5;
}

function characterClasses(password: string): number {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/];
  return classes.filter((pattern) => pattern.test(password)).length;
}

function normalise(text: string): string {
  const substitutions: Record<string, string> = { '0': 'o', '1': 'l', $: 's', '@': 'a' };
  return text.toLowerCase().replace(/[01$@]/g, (char) => substitutions[char] ?? char);
}

/** Marks removed characters; never produced by normalise() because it is not in the allowed set. */
const REMOVED = '\u0000';

export function bannedPasswordScore(password: string, context: PasswordContext): number {
  let remaining = normalise(password);
  let termsFound = 0;
  const exactTerms = [context.givenName, context.surname, context.tenantName]
    .filter((term): term is string => term !== null && term.length >= 4)
    .map(normalise);
  const fuzzyTerms = GLOBAL_BANNED.map(normalise);
  for (;;) {
    const match = findTerm(remaining, exactTerms, false) ?? findTerm(remaining, fuzzyTerms, true);
    if (!match) break;
    termsFound += 1;
    remaining =
      remaining.slice(0, match.start) +
      REMOVED.repeat(match.length) +
      remaining.slice(match.start + match.length);
  }
  const remainingCharacters = remaining.replaceAll(REMOVED, '').length;
  return termsFound + remainingCharacters;
}

function findTerm(
  text: string,
  terms: readonly string[],
  fuzzy: boolean,
): { start: number; length: number } | null {
  for (const term of terms) {
    const exact = text.indexOf(term);
    if (exact >= 0) return { start: exact, length: term.length };
    if (!fuzzy) continue;
    for (let start = 0; start < text.length; start += 1) {
      for (const length of [term.length, term.length - 1, term.length + 1]) {
        if (length < 4 || start + length > text.length) continue;
        const window = text.slice(start, start + length);
        if (!window.includes(REMOVED) && withinOneEdit(window, term)) return { start, length };
      }
    }
  }
  return null;
}

/** Levenshtein distance ≤ 1, in linear time. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i += 1;
      j += 1;
      continue;
    }
    edits += 1;
    if (edits > 1) return false;
    if (a.length > b.length) i += 1;
    else if (a.length < b.length) j += 1;
    else {
      i += 1;
      j += 1;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}
