/**
 * A continuously refilling token bucket on the sandbox clock, with bookings for throttled requests.
 *
 * Why a token bucket rather than a fixed or sliding window: Microsoft describes the identity limits as a token
 * bucket over summed costs (graph-behaviour §7). "3,500 RU per 10 s" is read as capacity 3,500 refilled at
 * 3,500 / 10 s = 350 RU per second: the published amount may be spent in one burst, and after that the
 * sustained rate is exactly the published amount per window. All times come from the caller (the sandbox
 * clock), so `timeScale` speeds refill and Retry-After alike and every ratio stays the same.
 *
 * Usage accrues while throttled (Microsoft: "avoid immediate retries, because all requests accrue against
 * your usage limits"). A throttled request books its cost: the booking is due when the bucket will have
 * refilled enough to pay for it after every earlier booking, and that moment is its Retry-After. Bookings
 * hold tokens back from new requests, so every request sent while throttled pushes the next Retry-After out.
 * A request arriving once a booking is due claims it and pays its cost only then — so a caller honouring
 * Retry-After succeeds, also when it retries a whole batch of throttled items after the largest Retry-After,
 * or when several workers each wait their own Retry-After. Bookings are anonymous (the sandbox cannot tell a
 * retry from a new request), are never due later than one window ahead, and lapse one window after they fall
 * due, so a caller that floods without waiting is locked out for at most about two windows after it stops.
 * That bound is a sandbox choice: Microsoft publishes none [unconfirmed].
 */
interface Booking {
  amount: number;
  dueAt: number;
  lapsesAt: number;
}

/** Floating-point slack for token counts and for times computed from them. */
const TOKEN_SLACK = 1e-6;

export class TokenBucket {
  private level: number;
  private updatedAt: number;
  /** Kept in dueAt order (and so in lapsesAt order). */
  private bookings: Booking[] = [];
  private booked = 0;

  /**
   * @param capacity tokens per window; read on every use, so a tenant that grows from S to M gets the larger
   *   budget (and refill rate) from then on.
   */
  constructor(
    private readonly capacity: () => number,
    readonly windowMs: number,
    now: number,
  ) {
    this.level = capacity();
    this.updatedAt = now;
  }

  /** Whether a request costing `amount` may pass at `now` (does not change the bucket). */
  admits(amount: number, now: number): boolean {
    this.settle(now);
    // A retry that comes when a booking is due spends the tokens kept for it; anyone else must leave every
    // booked token alone.
    const spendable = this.firstDue(now) ? this.level : this.level - this.booked;
    return spendable + TOKEN_SLACK >= amount;
  }

  /** Charges an admitted request, claiming the earliest due booking if there is one. */
  take(amount: number, now: number): void {
    this.settle(now);
    const due = this.firstDue(now);
    if (due) {
      this.bookings.shift();
      this.booked -= due.amount;
    }
    this.level -= amount;
  }

  /** Books `amount` for a throttled request; returns the sandbox milliseconds until the booking is due. */
  book(amount: number, now: number): number {
    this.settle(now);
    const shortfall = this.booked + amount - this.level;
    const waitMs = Math.min(this.windowMs, Math.max(1, shortfall / this.ratePerMs()));
    const booking = { amount, dueAt: now + waitMs, lapsesAt: now + waitMs + this.windowMs };
    let index = this.bookings.length;
    while (index > 0 && (this.bookings[index - 1]?.dueAt ?? 0) > booking.dueAt) index -= 1;
    this.bookings.splice(index, 0, booking);
    this.booked += amount;
    return waitMs;
  }

  /** Tokens a new request could spend at `now`; negative while bookings exceed the level. */
  available(now: number): number {
    this.settle(now);
    return this.level - this.booked;
  }

  /** Share of the capacity in use at `now`, bookings included: 0 when full, above 1 while requests wait. */
  usage(now: number): number {
    const capacity = this.capacity();
    return (capacity - this.available(now)) / capacity;
  }

  limit(): number {
    return this.capacity();
  }

  private firstDue(now: number): Booking | undefined {
    const first = this.bookings[0];
    return first && first.dueAt <= now + TOKEN_SLACK ? first : undefined;
  }

  private ratePerMs(): number {
    return this.capacity() / this.windowMs;
  }

  private settle(now: number): void {
    const elapsed = now - this.updatedAt;
    if (elapsed > 0) {
      this.level = Math.min(this.capacity(), this.level + elapsed * this.ratePerMs());
      this.updatedAt = now;
    }
    while (this.bookings[0] && this.bookings[0].lapsesAt < now) {
      this.booked -= this.bookings[0].amount;
      this.bookings.shift();
    }
  }
}
