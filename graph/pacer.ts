import type { RequestCost } from './costs.js';
import { realDelayMs } from './timing.js';
import type { GraphClock } from './timing.js';

/**
 * Client-side pacing that mirrors the published identity limits per app+tenant (graph-behaviour §7): a write
 * quota of 3,000 per 150 s and a resource-unit budget of 3,500 / 5,000 / 8,000 per 10 s for S / M / L tenants.
 * Microsoft describes them as token buckets over summed costs, so the pacer keeps the same buckets (capacity =
 * the published amount, refilled continuously over the window), a little below the published figures
 * (`safetyMargin`), and lets a request go only when its cost fits. Bulk work therefore runs at the quota's pace
 * instead of bursting into 429s.
 *
 * When a 429 arrives anyway (another app, or Graph's own load), everyone waits its Retry-After (plus jitter),
 * not just the request that got it, and the limit it names is treated as spent.
 *
 * Waiting requests are served in arrival order, except that a read may pass writes held back by the write
 * quota (reads cost no writes). The tenant-wide 18,000 writes per 5 min (all apps) is not mirrored: this app's
 * own 3,000 per 150 s is tighter.
 */
export interface PacerLimits {
  writesPerWindow: number;
  writeWindowMs: number;
  resourceUnitsPerWindow: number;
  resourceUnitWindowMs: number;
  /** Share of every limit kept in reserve, e.g. 0.02. */
  safetyMargin: number;
}

export const PUBLISHED_WRITE_LIMIT = { writesPerWindow: 3_000, writeWindowMs: 150_000 } as const;
export const RESOURCE_UNITS_BY_TENANT_SIZE = { S: 3_500, M: 5_000, L: 8_000 } as const;
export type TenantSize = keyof typeof RESOURCE_UNITS_BY_TENANT_SIZE;
export const RESOURCE_UNIT_WINDOW_MS = 10_000;

const SLACK = 1e-6;

class Bucket {
  private level: number;
  private updatedAt: number;

  constructor(
    private capacity: number,
    private readonly windowMs: number,
    now: number,
  ) {
    this.level = capacity;
    this.updatedAt = now;
  }

  setCapacity(capacity: number, now: number): void {
    this.settle(now);
    this.capacity = capacity;
    this.level = Math.min(this.level, capacity);
  }

  /** Graph milliseconds until `amount` is available (0 = now). */
  msUntil(amount: number, now: number): number {
    this.settle(now);
    const shortfall = amount - this.level;
    return shortfall <= SLACK ? 0 : shortfall / (this.capacity / this.windowMs);
  }

  take(amount: number, now: number): void {
    this.settle(now);
    this.level -= amount;
  }

  /** After a 429 that names this limit: whatever we thought was left is not. */
  exhaust(now: number): void {
    this.settle(now);
    this.level = Math.min(this.level, 0);
  }

  private settle(now: number): void {
    const elapsed = now - this.updatedAt;
    if (elapsed > 0) {
      this.level = Math.min(this.capacity, this.level + (elapsed * this.capacity) / this.windowMs);
      this.updatedAt = now;
    }
  }
}

interface Waiter {
  sequence: number;
  cost: RequestCost;
  resolve: () => void;
}

/** A FIFO queue with O(1) removal from the front. */
class Queue {
  private items: Waiter[] = [];
  private head = 0;

  push(waiter: Waiter): void {
    this.items.push(waiter);
  }
  peek(): Waiter | undefined {
    return this.items[this.head];
  }
  shift(): void {
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
  get length(): number {
    return this.items.length - this.head;
  }
}

export interface PacerStats {
  /** 429s reported to the pacer. */
  throttled: number;
  /** Requests that had to wait for budget or a pause. */
  delayed: number;
}

export class Pacer {
  private readonly writes: Bucket;
  private readonly resourceUnits: Bucket;
  private readonly reads = new Queue();
  private readonly writeQueue = new Queue();
  private pausedUntil = 0;
  private sequence = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private readonly counters: PacerStats = { throttled: 0, delayed: 0 };

  constructor(
    private readonly limits: PacerLimits,
    private readonly clock: GraphClock,
    private readonly random: () => number = Math.random,
  ) {
    const now = clock.now();
    const keep = 1 - limits.safetyMargin;
    this.writes = new Bucket(limits.writesPerWindow * keep, limits.writeWindowMs, now);
    this.resourceUnits = new Bucket(limits.resourceUnitsPerWindow * keep, limits.resourceUnitWindowMs, now);
  }

  /** Resolves when the request may be sent; its cost is then spent. */
  acquire(cost: RequestCost): Promise<void> {
    const now = this.clock.now();
    const queued = this.reads.length + this.writeQueue.length;
    if (queued === 0 && now >= this.pausedUntil && this.waitFor(cost, now) === 0) {
      this.spend(cost, now);
      return Promise.resolve();
    }
    this.counters.delayed += 1;
    return new Promise((resolve) => {
      const waiter = { sequence: this.sequence++, cost, resolve };
      (cost.write ? this.writeQueue : this.reads).push(waiter);
      this.drain();
    });
  }

  /**
   * A 429 arrived: nobody sends for `waitMs` (plus up to 10 % jitter, so retries do not arrive in lockstep),
   * and the named limit ('writes' or 'resourceUnits', from x-ms-throttle-scope) counts as spent.
   */
  backOff(waitMs: number, limit?: 'writes' | 'resourceUnits'): void {
    const now = this.clock.now();
    this.counters.throttled += 1;
    if (limit === 'writes') this.writes.exhaust(now);
    if (limit === 'resourceUnits') this.resourceUnits.exhaust(now);
    this.pausedUntil = Math.max(this.pausedUntil, now + waitMs * (1 + 0.1 * this.random()));
    this.drain();
  }

  /** The RU budget follows the tenant's size (known only after asking Graph how many users it has). */
  setResourceUnitLimit(perWindow: number): void {
    this.resourceUnits.setCapacity(perWindow * (1 - this.limits.safetyMargin), this.clock.now());
    this.drain();
  }

  stats(): PacerStats {
    return { ...this.counters };
  }

  private waitFor(cost: RequestCost, now: number): number {
    const units = this.resourceUnits.msUntil(cost.resourceUnits, now);
    return cost.write ? Math.max(units, this.writes.msUntil(1, now)) : units;
  }

  private spend(cost: RequestCost, now: number): void {
    this.resourceUnits.take(cost.resourceUnits, now);
    if (cost.write) this.writes.take(1, now);
  }

  private drain(): void {
    for (;;) {
      if (this.reads.length + this.writeQueue.length === 0) return;
      const now = this.clock.now();
      if (now < this.pausedUntil) {
        this.wakeAfter(this.pausedUntil - now);
        return;
      }
      let chosen: { waiter: Waiter; queue: Queue } | undefined;
      let soonest = Number.POSITIVE_INFINITY;
      for (const queue of [this.reads, this.writeQueue]) {
        const waiter = queue.peek();
        if (!waiter) continue;
        const wait = this.waitFor(waiter.cost, now);
        if (wait === 0 && (!chosen || waiter.sequence < chosen.waiter.sequence)) chosen = { waiter, queue };
        soonest = Math.min(soonest, wait);
      }
      if (!chosen) {
        if (Number.isFinite(soonest)) this.wakeAfter(soonest);
        return;
      }
      chosen.queue.shift();
      this.spend(chosen.waiter.cost, now);
      chosen.waiter.resolve();
    }
  }

  private wakeAfter(graphMs: number): void {
    const at = this.clock.now() + graphMs;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.drain();
      },
      Math.max(1, Math.ceil(realDelayMs(this.clock, graphMs))),
    );
  }
}
