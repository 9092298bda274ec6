import { describe, expect, it } from '@jest/globals';
import {
  acceptedLicenceRequests,
  expectBoundExactlyOnce,
  openFaultRun,
  RETRY_AFTER_MS,
  retryGaps,
  statusCount,
  unaccounted,
  whileRunning,
} from './fault-run.js';

/**
 * Bulk binds of 60 users with a licence through the real engine while Graph throttles every request (a 429
 * storm) or answers 503/504 in bursts. The run must come out whole: every user bound, each account created
 * once and licensed once, and every retry sent no earlier than the Retry-After the failed attempt carried.
 */
const USERS = 60;

describe('a 429 storm during a bulk bind', () => {
  it('binds every user once, and sends each throttled call again only after its Retry-After', async () => {
    const run = await openFaultRun(import.meta.url, 'storm', USERS);
    try {
      let stormFrom = Number.POSITIVE_INFINITY;
      const binding = run.bind({
        onProgress: ({ done }) => {
          if (done < 10 || stormFrom !== Number.POSITIVE_INFINITY) return;
          stormFrom = statusCount(run, 429);
          run.harness.sandbox.setFaults({ throttleStorm: true });
        },
      });
      // The storm lasts for 150 throttled requests, long enough for every worker to meet it several times.
      const report = await whileRunning(binding, () => {
        if (statusCount(run, 429) >= stormFrom + 150) run.harness.sandbox.setFaults({ throttleStorm: false });
      });

      expect(statusCount(run, 429)).toBeGreaterThanOrEqual(stormFrom + 150);
      expect(report.totals).toMatchObject({ total: USERS, done: USERS, failed: 0 });
      expect(unaccounted(run, report)).toEqual([]);
      await expectBoundExactlyOnce(run, run.emails);
      expect([...acceptedLicenceRequests(run).values()]).toEqual(Array.from({ length: USERS }, () => 1));

      const gaps = retryGaps(run.harness.sandbox.inspection.requests());
      expect(gaps.filter((gap) => gap.status === 429).length).toBeGreaterThanOrEqual(20);
      expect(gaps.filter((gap) => gap.gapMs < RETRY_AFTER_MS)).toEqual([]);
    } finally {
      await run.close();
    }
  });
});

describe('503 and 504 bursts during a bulk bind', () => {
  it('binds every user once through three bursts of 20 failures, each retry after its Retry-After', async () => {
    // A call survives up to 12 failures in a row: at a 40 % failure rate no call runs out of retries.
    const run = await openFaultRun(import.meta.url, 'bursts', USERS, {
      gateway: { limits: { maxTransientRetries: 12 } },
    });
    try {
      // A burst starts when 5, 25 and 45 users are done (or the first time after, if one is still on), and
      // ends after 20 injected failures.
      const starts = [5, 25, 45];
      let endsAt = Number.POSITIVE_INFINITY;
      const failures = () => statusCount(run, 503) + statusCount(run, 504);
      const binding = run.bind({
        onProgress: ({ done }) => {
          const next = starts[0];
          if (next === undefined || done < next || endsAt !== Number.POSITIVE_INFINITY) return;
          starts.shift();
          endsAt = failures() + 20;
          run.harness.sandbox.setFaults({ serverErrorRate: 0.4 });
        },
      });
      const report = await whileRunning(binding, () => {
        if (failures() < endsAt) return;
        endsAt = Number.POSITIVE_INFINITY;
        run.harness.sandbox.setFaults({ serverErrorRate: 0 });
      });
      run.harness.sandbox.setFaults({ serverErrorRate: 0 });

      expect(starts).toEqual([]);
      expect(report.totals).toMatchObject({ total: USERS, done: USERS, failed: 0 });
      expect(unaccounted(run, report)).toEqual([]);
      await expectBoundExactlyOnce(run, run.emails);
      expect([...acceptedLicenceRequests(run).values()]).toEqual(Array.from({ length: USERS }, () => 1));

      expect(statusCount(run, 503)).toBeGreaterThan(0);
      expect(statusCount(run, 504)).toBeGreaterThan(0);
      const gaps = retryGaps(run.harness.sandbox.inspection.requests());
      expect(gaps.length).toBeGreaterThanOrEqual(10);
      expect(gaps.filter((gap) => gap.gapMs < RETRY_AFTER_MS)).toEqual([]);
    } finally {
      await run.close();
    }
  });
});
