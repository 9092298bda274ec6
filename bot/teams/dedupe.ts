/**
 * Redelivered activities run once (chat-platforms.md §4: dedupe Teams redeliveries by activity id): Teams
 * resends a request the bot was slow to answer, with the same activity id. The first delivery's outcome is
 * kept for a short window, so a resent invoke gets the same answer and a resent message sends nothing twice.
 * In memory: a second bot replica would not see it (the chat core's conditional updates guard state changes
 * across replicas; this only spares duplicate replies).
 */
export class RecentActivities<T> {
  private readonly seen = new Map<string, { at: number; outcome: Promise<T> }>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    /** At most this many are remembered (each may hold an invoke's card), the oldest dropped first. */
    private readonly capacity = 5_000,
  ) {}

  /** Runs `work` for the first delivery of `key` within the window; later deliveries get its outcome. */
  once(key: string, work: () => Promise<T>): { first: boolean; outcome: Promise<T> } {
    this.evict();
    const known = this.seen.get(key);
    if (known) return { first: false, outcome: known.outcome };
    const outcome = work();
    if (this.windowMs > 0) this.seen.set(key, { at: this.now(), outcome });
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return { first: true, outcome };
  }

  get size(): number {
    return this.seen.size;
  }

  /** Entries are kept in insertion order, so expired ones are at the front. */
  private evict(): void {
    const oldest = this.now() - this.windowMs;
    for (const [key, entry] of this.seen) {
      if (entry.at > oldest) break;
      this.seen.delete(key);
    }
  }
}

/** The redelivery key of an activity: ids are unique within a conversation. */
export function activityKey(activity: {
  id?: string;
  channelId?: string;
  conversation?: { id?: string };
}): string | undefined {
  if (activity.id === undefined || activity.id === '') return undefined;
  return `${activity.channelId ?? ''}\n${activity.conversation?.id ?? ''}\n${activity.id}`;
}
