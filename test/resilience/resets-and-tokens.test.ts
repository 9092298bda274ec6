import { describe, expect, it } from '@jest/globals';
import {
  acceptedLicenceRequests,
  expectBoundExactlyOnce,
  openFaultRun,
  statusCount,
  unaccounted,
} from './fault-run.js';

/**
 * Bulk binds of 60 users with a licence through the real engine while connections to Graph drop after the
 * answer's headers (the request may have been applied: the hardest case for "exactly once"), and while the
 * access token is revoked again and again with 20 users in flight.
 */
const USERS = 60;

const createAnswers = (statuses: number[]) => statuses.filter((status) => status === 400).length;

describe('lost connections during a bulk bind', () => {
  it('binds every user once although answers to creates and licence assignments were lost', async () => {
    // 30 % of the connections drop; a call survives 20 drops in a row, so none runs out of retries.
    const run = await openFaultRun(import.meta.url, 'resets', USERS, {
      gateway: { limits: { maxTransientRetries: 20 } },
    });
    try {
      run.harness.sandbox.setFaults({ connectionResetRate: 0.3 });
      const report = await run.bind();
      run.harness.sandbox.setFaults({ connectionResetRate: 0 });

      expect(report.totals).toMatchObject({ total: USERS, done: USERS, failed: 0 });
      expect(unaccounted(run, report)).toEqual([]);
      await expectBoundExactlyOnce(run, run.emails);
      // A create whose answer was lost went again and met its own account (400): recognised, not duplicated.
      const creates = run.harness.sandbox.inspection
        .requests()
        .filter((record) => record.method === 'POST' && record.path === '/v1.0/users');
      expect(createAnswers(creates.map((record) => record.status))).toBeGreaterThan(0);
      // assignLicense is idempotent in Graph: a lost answer is sent again, and the seat is still taken once.
      const resent = [...acceptedLicenceRequests(run).values()];
      expect(resent.some((count) => count > 1)).toBe(true);
    } finally {
      await run.close();
    }
  });
});

describe('an access token revoked during a bulk bind', () => {
  it('takes a fresh token each time it is revoked with 20 users in flight, and binds every user once', async () => {
    const run = await openFaultRun(import.meta.url, 'revoked', USERS);
    try {
      const revokeAt = new Set([8, 24, 40]);
      let revocations = 0;
      const report = await run.bind({
        onProgress: ({ done }) => {
          if (!revokeAt.delete(done)) return;
          revocations += 1;
          run.harness.sandbox.revokeTokens();
        },
      });

      expect(revocations).toBe(3);
      expect(statusCount(run, 401)).toBeGreaterThanOrEqual(3);
      expect(report.stoppedBy).toBeUndefined();
      expect(report.totals).toMatchObject({ total: USERS, done: USERS, failed: 0 });
      expect(unaccounted(run, report)).toEqual([]);
      await expectBoundExactlyOnce(run, run.emails);
      expect([...acceptedLicenceRequests(run).values()]).toEqual(Array.from({ length: USERS }, () => 1));
    } finally {
      await run.close();
    }
  });
});
