/**
 * Sliding-window rate limiting for the chat stand-ins (Teams connector, Slack Web API). A key may take a hit
 * only while every rule still has room; refused attempts are not counted, so a client that honours
 * Retry-After gets through as soon as the oldest hit leaves the window.
 */
export interface WindowRule {
  limit: number;
  windowMs: number;
}

/** Anything with a now() in epoch milliseconds: Date, a SandboxClock, a test's fake clock. */
export interface ChatClock {
  now(): number;
}

export const realClock: ChatClock = { now: () => Date.now() };

export type TakeResult = { allowed: true } | { allowed: false; retryAfterMs: number };

export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly longestWindowMs: number;

  constructor(
    private readonly rules: readonly WindowRule[],
    private readonly clock: ChatClock,
  ) {
    this.longestWindowMs = Math.max(0, ...rules.map((rule) => rule.windowMs));
  }

  take(key: string): TakeResult {
    const now = this.clock.now();
    const kept = (this.hits.get(key) ?? []).filter((at) => now - at < this.longestWindowMs);
    let retryAfterMs = 0;
    for (const rule of this.rules) {
      const inWindow = kept.filter((at) => now - at < rule.windowMs);
      if (inWindow.length >= rule.limit) {
        // The hit that must leave the window before one more fits.
        const blocking = inWindow[inWindow.length - rule.limit] ?? now;
        retryAfterMs = Math.max(retryAfterMs, blocking + rule.windowMs - now);
      }
    }
    if (retryAfterMs > 0) {
      this.hits.set(key, kept);
      return { allowed: false, retryAfterMs };
    }
    kept.push(now);
    this.hits.set(key, kept);
    return { allowed: true };
  }
}

/** Retry-After is whole seconds; never 0, or a client would retry at once into the same refusal. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}
