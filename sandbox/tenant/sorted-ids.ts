/**
 * The active users' ids in ascending order. Users are listed and paged in this order (see routes/users-list.ts):
 * a page token only needs the last id served, and a binary search finds where the next page starts.
 * Inserts and removals splice the array (a memmove; fine at 100,000 entries).
 */
export class SortedIds {
  private ids: string[] = [];

  /** Replaces the content (bulk load); sorts once instead of inserting one by one. */
  load(ids: Iterable<string>): void {
    this.ids = [...ids].sort(compareIds);
  }

  get size(): number {
    return this.ids.length;
  }

  insert(id: string): void {
    const index = this.lowerBound(id);
    if (this.ids[index] !== id) this.ids.splice(index, 0, id);
  }

  remove(id: string): void {
    const index = this.lowerBound(id);
    if (this.ids[index] === id) this.ids.splice(index, 1);
  }

  /** Ids strictly after `afterId` (all ids when undefined), in order. */
  *after(afterId: string | undefined): Generator<string> {
    let index = afterId === undefined ? 0 : this.upperBound(afterId);
    while (index < this.ids.length) {
      const id = this.ids[index];
      index += 1;
      if (id !== undefined) yield id;
    }
  }

  /** First index whose id is >= `id`. */
  private lowerBound(id: string): number {
    let low = 0;
    let high = this.ids.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareIds(this.ids[middle] ?? '', id) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** First index whose id is > `id`. */
  private upperBound(id: string): number {
    const index = this.lowerBound(id);
    return this.ids[index] === id ? index + 1 : index;
  }
}

/** Ids are lower-case GUIDs; plain code-unit order is stable and locale-independent. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
