import { describe, expect, it } from '@jest/globals';
import { percentile } from '../bench/support/chat-load.js';
import { quotaUse, WRITE_QUOTA_PER_SECOND, writeTimeline } from '../bench/support/graph-log.js';

/** `count` write times (ms), `perSecond` apart, from t = 0. */
const steady = (count: number, perSecond: number, from = 0): number[] =>
  Array.from({ length: count }, (_, index) => from + (index * 1000) / perSecond);

describe('bench quota figures', () => {
  it('rates a run that bursts the full bucket and then keeps to 20 writes/s as using the whole quota', () => {
    const burst = Array.from({ length: 3000 }, () => 0);
    const times = [...burst, ...steady(1000, WRITE_QUOTA_PER_SECOND, 50)];
    const use = quotaUse(times);
    expect(use.quotaRatio).toBeCloseTo(1, 2);
    expect(use.sustainedRatio).toBeCloseTo(1, 1);
  });

  it('rates a run held back to 5 writes/s well below the quota', () => {
    const use = quotaUse(steady(4000, 5));
    expect(use.writesPerSecond).toBeCloseTo(5, 1);
    expect(use.quotaRatio).toBeLessThan(0.3);
    expect(use.sustainedRatio).toBeCloseTo(0.25, 1);
  });

  it('reports nothing for a run without writes', () => {
    expect(quotaUse([])).toEqual({ spanSeconds: 0, writesPerSecond: 0, quotaRatio: 0, sustainedRatio: 0 });
  });

  it('counts writes per interval, empty intervals included', () => {
    expect(writeTimeline([0, 1000, 25_000], 10)).toEqual([2, 0, 1]);
  });
});

describe('bench percentiles', () => {
  it('takes the nearest rank, so p99 of 100 samples is the 99th smallest', () => {
    const values = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
  });
});
