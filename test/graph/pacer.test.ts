import { describe, expect, it } from '@jest/globals';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Pacer } from '../../graph/pacer.js';
import type { PacerLimits } from '../../graph/pacer.js';
import { createClock } from '../../sandbox/clock.js';

/** Small limits on a clock 100× faster than real time, so every wait is a few real milliseconds. */
const limits: PacerLimits = {
  writesPerWindow: 10,
  writeWindowMs: 1_000,
  resourceUnitsPerWindow: 100,
  resourceUnitWindowMs: 1_000,
  safetyMargin: 0,
};
const WRITE = { resourceUnits: 1, write: true };
const READ = { resourceUnits: 1, write: false };

function tracked(promise: Promise<void>): { done: () => boolean; promise: Promise<void> } {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  return { done: () => done, promise };
}

describe('Pacer', () => {
  it('lets the whole write quota through at once, then holds the next write until the bucket refills', async () => {
    // Real time here: at 100× a 1 ms stall of a busy machine refills the bucket before the check below.
    const clock = createClock({ timeScale: 1 });
    const pacer = new Pacer(limits, clock, () => 0);
    const start = clock.now();
    const burst = Array.from({ length: 10 }, () => tracked(pacer.acquire(WRITE)));
    const next = tracked(pacer.acquire(WRITE));
    await nextTurn();
    expect(burst.every((entry) => entry.done())).toBe(true);
    expect(next.done()).toBe(false);
    await next.promise;
    // One write refills in window / quota = 100 ms of Graph time; the pacer never releases it earlier.
    expect(clock.now() - start).toBeGreaterThanOrEqual(90);
  });

  it('keeps a safety margin below the published figure', async () => {
    const pacer = new Pacer({ ...limits, safetyMargin: 0.2 }, createClock({ timeScale: 1 }), () => 0);
    const burst = Array.from({ length: 9 }, () => tracked(pacer.acquire(WRITE)));
    await nextTurn();
    expect(burst.filter((entry) => entry.done())).toHaveLength(8);
    await Promise.all(burst.map((entry) => entry.promise));
  });

  it('lets reads pass writes that wait for the write quota', async () => {
    const pacer = new Pacer(limits, createClock({ timeScale: 1 }), () => 0);
    await Promise.all(Array.from({ length: 10 }, () => pacer.acquire(WRITE)));
    const write = tracked(pacer.acquire(WRITE));
    const read = tracked(pacer.acquire(READ));
    await nextTurn();
    expect(read.done()).toBe(true);
    expect(write.done()).toBe(false);
    await write.promise;
  });

  it('holds reads and writes back when the resource-unit budget is spent', async () => {
    const pacer = new Pacer({ ...limits, resourceUnitsPerWindow: 5 }, createClock({ timeScale: 1 }), () => 0);
    await Promise.all(Array.from({ length: 5 }, () => pacer.acquire(READ)));
    const read = tracked(pacer.acquire({ resourceUnits: 2, write: false }));
    await nextTurn();
    expect(read.done()).toBe(false);
    await read.promise;
  });

  it('pauses everyone for the Retry-After of a 429, not just the throttled request', async () => {
    const clock = createClock({ timeScale: 1 });
    const pacer = new Pacer(limits, clock, () => 0);
    const start = clock.now();
    pacer.backOff(500);
    const read = tracked(pacer.acquire(READ));
    const write = tracked(pacer.acquire(WRITE));
    await nextTurn();
    expect(read.done() || write.done()).toBe(false);
    await Promise.all([read.promise, write.promise]);
    expect(clock.now() - start).toBeGreaterThanOrEqual(500);
    expect(pacer.stats().throttled).toBe(1);
  });

  it('treats the write quota as spent after a 429 that names it', async () => {
    const clock = createClock({ timeScale: 1 });
    const pacer = new Pacer(limits, clock, () => 0);
    pacer.backOff(0, 'writes');
    const write = tracked(pacer.acquire(WRITE));
    const read = tracked(pacer.acquire(READ));
    await nextTurn();
    expect(read.done()).toBe(true);
    expect(write.done()).toBe(false);
    await write.promise;
  });

  it('serves waiting writes in arrival order', async () => {
    const pacer = new Pacer({ ...limits, writesPerWindow: 2 }, createClock({ timeScale: 1 }), () => 0);
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        pacer.acquire(WRITE).then(() => {
          order.push(index);
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
