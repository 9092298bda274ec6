import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';

/**
 * Slack redelivers an Events API event when the first delivery was not answered with a 2xx within 3 s
 * (X-Slack-Retry-Num 1, 2, 3: at once, ~1 min, ~5 min — chat-platforms §1.2). Bolt acknowledges events itself,
 * but a slow network or a restart can still produce a redelivery; running the same command twice would post
 * two plan cards. The event_id is the same on every delivery, so one remembered for the window is skipped.
 * In one process only: a redelivery to another replica runs, and the chat core's compare-and-set transitions
 * keep that from doing anything twice.
 */
export class RecentIds {
  private readonly seenAt = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    /** At most this many ids are remembered (oldest dropped first), whatever the window. */
    private readonly capacity = 10_000,
  ) {}

  /** True when `id` was already seen within the window; otherwise remembers it and says false. */
  checkAndRemember(id: string): boolean {
    const now = this.now();
    this.forgetOlderThan(now - this.windowMs);
    if (this.seenAt.has(id)) return true;
    this.seenAt.set(id, now);
    for (const key of this.seenAt.keys()) {
      if (this.seenAt.size <= this.capacity) break;
      this.seenAt.delete(key);
    }
    return false;
  }

  private forgetOlderThan(cutoff: number): void {
    // Insertion order is arrival order, so the oldest are first.
    for (const [id, at] of this.seenAt) {
      if (at > cutoff) break;
      this.seenAt.delete(id);
    }
  }
}

function eventIdOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { type, event_id: eventId } = body as { type?: unknown; event_id?: unknown };
  return type === 'event_callback' && typeof eventId === 'string' ? eventId : undefined;
}

export interface DedupeLogger {
  info(fields: Record<string, unknown>, message: string): void;
}

/** Global Bolt middleware: an event already handled is dropped (Bolt has acknowledged it already). */
export function dedupeEvents(recent: RecentIds, logger: DedupeLogger): Middleware<AnyMiddlewareArgs> {
  return async ({ body, context, next }) => {
    const eventId = eventIdOf(body);
    if (eventId !== undefined && recent.checkAndRemember(eventId)) {
      logger.info(
        { eventId, retryNum: context.retryNum, retryReason: context.retryReason },
        'slack: redelivered event skipped',
      );
      return;
    }
    await next();
  };
}
