/**
 * Sequence-numbered record of directory writes, for /users/delta. Every create, update, delete, restore and
 * purge appends (seq, userId); a delta token is just a sequence number, and the next round reports each user
 * whose latest entry is newer than it. Entries are appended in seq order, so the start of a round is found by
 * binary search and a round costs O(changes), not O(users).
 */
export class ChangeLog {
  private readonly entries: { seq: number; userId: string }[] = [];
  private seq = 0;

  /** The sequence number of the latest write (0 before any). */
  get latest(): number {
    return this.seq;
  }

  record(userId: string): void {
    this.seq += 1;
    this.entries.push({ seq: this.seq, userId });
  }

  /** Distinct ids written in (fromSeq, toSeq]. */
  changedBetween(fromSeq: number, toSeq: number): Set<string> {
    const changed = new Set<string>();
    for (let index = this.firstAfter(fromSeq); index < this.entries.length; index += 1) {
      const entry = this.entries[index];
      if (entry === undefined || entry.seq > toSeq) break;
      changed.add(entry.userId);
    }
    return changed;
  }

  private firstAfter(seq: number): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.entries[middle]?.seq ?? 0) <= seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
