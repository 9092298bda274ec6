import { describe, expect, it } from '@jest/globals';
import { ADMIN, directoryUser, openEngine, type EngineHarness } from '../support/engine.js';

/** Bulk runs under Graph trouble: a 429 storm, a token revoked mid-run, a missing permission, throttling that never ends. */

async function withUsers(harness: EngineHarness, prefix: string, count: number): Promise<string[]> {
  const emails = Array.from({ length: count }, (_, index) => `${prefix}.${String(index)}@contoso.com`);
  for (const email of emails) await harness.repositories.users.insert(directoryUser(email));
  return emails;
}

const statuses = (harness: EngineHarness) =>
  harness.sandbox.inspection.requests().map((record) => record.status);

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('resilience', () => {
  it('rides out a 429 storm during a bulk bind: every user bound, none failed', async () => {
    const harness = await openEngine(import.meta.url, {
      purpose: 'storm',
      sandbox: { throttling: 'published', timeScale: 20 },
    });
    try {
      const emails = await withUsers(harness, 'storm', 30);
      harness.sandbox.inspection.reset();
      harness.sandbox.setFaults({ throttleStorm: true });
      const run = harness.engine.bind(emails, { actor: ADMIN, welcome: false });
      await until(() => statuses(harness).filter((status) => status === 429).length >= 20);
      harness.sandbox.setFaults({ throttleStorm: false });
      const report = await run;
      expect(report.totals).toMatchObject({ done: 30, failed: 0 });
      expect(statuses(harness).filter((status) => status === 429).length).toBeGreaterThanOrEqual(20);
      expect(
        harness.sandbox.inspection.users().filter((user) => emails.includes(user.userPrincipalName)),
      ).toHaveLength(30);
    } finally {
      await harness.close();
    }
  });

  it('survives an access token revoked in the middle of a run (401, one fresh token, go on)', async () => {
    // One user at a time, so that users 6–20 provably start after the revocation (with 50 in flight, every
    // request could already be on the wire when the fifth user finishes).
    const harness = await openEngine(import.meta.url, { purpose: 'token', settings: { bulkConcurrency: 1 } });
    try {
      const emails = await withUsers(harness, 'token', 20);
      harness.sandbox.inspection.reset();
      let revoked = false;
      const report = await harness.engine.bind(emails, {
        actor: ADMIN,
        welcome: false,
        onProgress: ({ done }) => {
          if (done >= 5 && !revoked) {
            revoked = true;
            harness.sandbox.revokeTokens();
          }
        },
      });
      expect(revoked).toBe(true);
      expect(report.totals).toMatchObject({ done: 20, failed: 0 });
      expect(statuses(harness)).toContain(401);
    } finally {
      await harness.close();
    }
  });

  it('stops the run on a stop-run error: the remaining users fail with that reason and the operation stays resumable', async () => {
    const harness = await openEngine(import.meta.url, {
      purpose: 'permission',
      sandbox: {
        grantedPermissions: [
          'User.ReadWrite.All',
          'User.RevokeSessions.All',
          'Organization.Read.All',
          'Domain.Read.All',
        ],
      },
      settings: { bulkConcurrency: 2 },
    });
    try {
      const emails = await withUsers(harness, 'perm', 12);
      const report = await harness.engine.bind(emails, { actor: ADMIN, operationId: 'perm-op' });
      expect(report.stoppedBy?.code).toBe('GRAPH_PERMISSION_DENIED');
      expect(report.totals.failed).toBe(12);
      expect(report.results.every((result) => result.error?.code === 'GRAPH_PERMISSION_DENIED')).toBe(true);
      // Fewer users were attempted than listed: the run stopped instead of failing each one against Graph.
      const attempted = harness.sandbox.inspection
        .requests()
        .filter((r) => r.path.endsWith('/assignLicense')).length;
      expect(attempted).toBeLessThan(12);
      expect((await harness.repositories.operations.running()).map((operation) => operation.id)).toContain(
        'perm-op',
      );
    } finally {
      await harness.close();
    }
  });

  it('reports a throttle that outlasts the retry budget per user (policy retry), and goes on with the others', async () => {
    const harness = await openEngine(import.meta.url, {
      purpose: 'budget',
      sandbox: { timeScale: 50 },
      gateway: { limits: { maxThrottleWaitMs: 3_000 } },
    });
    try {
      const emails = await withUsers(harness, 'budget', 4);
      harness.sandbox.setFaults({ throttleStorm: true });
      const report = await harness.engine.bind(emails, { actor: ADMIN, welcome: false });
      expect(report.stoppedBy).toBeUndefined();
      expect(report.results.map((result) => result.error?.code)).toEqual(emails.map(() => 'GRAPH_THROTTLED'));
    } finally {
      await harness.close();
    }
  });
});
