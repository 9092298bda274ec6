import { setTimeout as delay } from 'node:timers/promises';

/**
 * Graph's time. Every duration the gateway deals with — Retry-After, token lifetimes, the identity limits'
 * windows — is a duration on Graph's clock. Against Microsoft that is the real clock; against the sandbox it
 * is the sandbox clock, which may run `timeScale` times faster (the sandbox's `SandboxClock` fits this
 * interface as it is). Timers wait `toRealMs(graphMs)` real milliseconds.
 */
export interface GraphClock {
  /** Milliseconds since the epoch on Graph's clock. */
  now(): number;
  /** Graph milliseconds → real milliseconds to wait; identity when absent. */
  toRealMs?(graphMs: number): number;
}

export const realClock: GraphClock = { now: () => Date.now() };

export function realDelayMs(clock: GraphClock, graphMs: number): number {
  const real = clock.toRealMs ? clock.toRealMs(graphMs) : graphMs;
  return Math.max(0, real);
}

/** Waits a duration given in Graph milliseconds. */
export function sleep(clock: GraphClock, graphMs: number): Promise<void> {
  return delay(realDelayMs(clock, graphMs));
}
