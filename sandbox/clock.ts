/**
 * The sandbox tenant's clock. Everything time-based in the sandbox (token expiry, the deleted-address hold,
 * throttling windows, Retry-After) reads this clock, never Date.now(), so tests can jump forward and
 * benchmarks can run the tenant faster than real time while every ratio stays the same.
 *
 * sandboxNow = start + (realElapsed × timeScale) + manualOffset
 */
export interface SandboxClock {
  /** Milliseconds since the epoch on the sandbox clock. */
  now(): number;
  /** Moves the clock forward by `ms` sandbox milliseconds (tests). */
  advance(ms: number): void;
  /** Sandbox milliseconds → real milliseconds (to wait in real time for a sandbox duration). */
  toRealMs(sandboxMs: number): number;
  readonly timeScale: number;
}

export interface ClockOptions {
  /** Sandbox time at creation, ms since epoch; default: the real time. */
  startAt?: number;
  /** How many sandbox seconds pass per real second; default 1. */
  timeScale?: number;
  /** Real time source, injectable for unit tests. */
  realNow?: () => number;
}

export function createClock(options: ClockOptions = {}): SandboxClock {
  const realNow = options.realNow ?? (() => performance.timeOrigin + performance.now());
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new RangeError(`timeScale must be a positive number, got ${timeScale}`);
  const realStart = realNow();
  const sandboxStart = options.startAt ?? realStart;
  let offset = 0;
  return {
    timeScale,
    now: () => sandboxStart + (realNow() - realStart) * timeScale + offset,
    advance(ms: number) {
      if (!(ms >= 0)) throw new RangeError(`the clock only moves forward; got ${ms} ms`);
      offset += ms;
    },
    toRealMs: (sandboxMs: number) => sandboxMs / timeScale,
  };
}
