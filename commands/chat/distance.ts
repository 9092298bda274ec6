/**
 * Edit distance for "did you mean …?": insertions, deletions, substitutions and swaps of two neighbouring
 * letters each cost one (optimal string alignment), so "bnid" is one step from "bind".
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i += 1) {
    const row = d[i];
    if (row === undefined) continue;
    for (let j = 1; j < cols; j += 1) {
      const cost = a.charAt(i - 1) === b.charAt(j - 1) ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a.charAt(i - 1) === b.charAt(j - 2) && a.charAt(i - 2) === b.charAt(j - 1)) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * Longer input is no typo of a command name, and comparing it costs time growing with its length times the
 * names' (a 100 KB word took seconds): it gets no suggestion.
 */
const MAX_TYPO_LENGTH = 50;

/**
 * The candidate closest to `input` (case-insensitive). A candidate that contains the input or starts with it
 * ("reset" → "password-reset") beats one that is merely a few letters away.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const word = input.toLowerCase();
  if (word.length > MAX_TYPO_LENGTH) return undefined;
  let best: { name: string; score: number } | undefined;
  for (const name of candidates) {
    const contains = word.length >= 3 && name.includes(word);
    const score = contains ? 0.5 : editDistance(word, name);
    if (best === undefined || score < best.score) best = { name, score };
  }
  return best?.name;
}
