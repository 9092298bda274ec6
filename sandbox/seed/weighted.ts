import type { Random } from '../random.js';

/** A table for drawing items in proportion to their weight with one PRNG draw. */
export interface WeightedTable<T> {
  readonly items: readonly T[];
  readonly cumulative: readonly number[];
  readonly total: number;
}

export function weightedTable<T extends { readonly weight: number }>(items: readonly T[]): WeightedTable<T> {
  if (items.length === 0) throw new RangeError('a weighted table needs at least one item');
  const cumulative: number[] = [];
  let total = 0;
  for (const item of items) {
    total += item.weight;
    cumulative.push(total);
  }
  return { items, cumulative, total };
}

export function pickWeighted<T>(random: Random, table: WeightedTable<T>): T {
  const point = random.next() * table.total;
  let index = 0;
  while (index < table.cumulative.length - 1 && point >= (table.cumulative[index] ?? 0)) index += 1;
  return table.items[index] as T;
}
