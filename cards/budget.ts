/** JSON as the renderers emit it (no undefined anywhere, so what is measured is what is sent). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Characters of an element once serialised, plus one for the comma that joins it to its neighbours. */
export function jsonCost(value: Json): number {
  return JSON.stringify(value).length + 1;
}

export interface Fitted<T> {
  kept: T[];
  omitted: number;
  used: number;
}

/**
 * Keeps items in order while their total cost stays within `budget`. When some must go, the kept ones leave
 * `reserve` free for the line that says how many were left out, so a cut is always marked.
 */
export function fitItems<T>(
  items: readonly T[],
  cost: (item: T) => number,
  budget: number,
  reserve: number,
): Fitted<T> {
  const kept: T[] = [];
  let used = 0;
  for (const [index, item] of items.entries()) {
    const itemCost = cost(item);
    const isLast = index === items.length - 1;
    if (used + itemCost + (isLast ? 0 : reserve) > budget) break;
    kept.push(item);
    used += itemCost;
  }
  return { kept, omitted: items.length - kept.length, used };
}
