import { describe, expect, it } from '@jest/globals';
import type { M365Gateway } from '../../commands/engine/ports.js';
import type { OperationReport } from '../../commands/engine/results.js';
import { ADMIN } from '../support/engine.js';
import {
  acceptedLicenceRequests,
  exactlyOnce,
  expectBoundExactlyOnce,
  type FaultRun,
  mismatchedBindings,
  openFaultRun,
  unaccounted,
} from './fault-run.js';

/**
 * Graph down (every request 503/504) for part of a bulk bind, with a gateway that gives up after one retry so
 * that users really fail: those users are reported failed with Graph's reason, the users started after Graph
 * came back are bound, and running the same operation id again binds the failed ones without creating any
 * account a second time.
 */
const USERS = 60;
const CONCURRENCY = 10;
const OUTAGE_MESSAGE = /^Microsoft 365 is temporarily unavailable \(HTTP 50[34]\); try again shortly\.$/;

function openOutageRun(purpose: string): Promise<FaultRun> {
  return openFaultRun(import.meta.url, purpose, USERS, {
    gateway: { limits: { maxTransientRetries: 1 } },
    settings: { bulkConcurrency: CONCURRENCY },
  });
}

/** Every failed row carries Graph's outage as its reason. */
function failureReasons(report: OperationReport): { code: string; message: string }[] {
  return report.results.flatMap((result) =>
    result.outcome === 'failed' && result.error ? [result.error] : [],
  );
}

/** The resumed run: everyone bound, nobody created, licensed or deleted twice over both runs. */
async function expectResumeCompletes(run: FaultRun, operationId: string, failed: number): Promise<void> {
  const creates = () => exactlyOnce(run).acceptedCreates;
  const createdBefore = creates();
  const resumed = await run.bind({ operationId });
  expect(resumed.resumed).toBe(true);
  expect(resumed.totals).toMatchObject({ total: USERS, done: USERS, failed: 0 });
  expect(unaccounted(run, resumed)).toEqual([]);
  // Only accounts that the first run never created are created now.
  expect(creates() - createdBefore).toBeLessThanOrEqual(failed);
  await expectBoundExactlyOnce(run, run.emails);
  expect([...acceptedLicenceRequests(run).values()]).toEqual(Array.from({ length: USERS }, () => 1));
  const operations = await run.harness.repositories.operations.running();
  expect(operations.map((operation) => operation.id)).not.toContain(operationId);
}

describe('Graph down in the middle of a bulk bind', () => {
  it('reports the users it hit with the reason, binds those started after it ended, and a resume binds the rest once', async () => {
    const run = await openOutageRun('outage');
    try {
      const OUTAGE_AT = 10;
      const RECOVERY_AT = 25;
      const report = await run.bind({
        operationId: 'outage-op',
        onProgress: ({ done }) => {
          if (done === OUTAGE_AT) run.harness.sandbox.setFaults({ serverErrorRate: 1 });
          if (done === RECOVERY_AT) run.harness.sandbox.setFaults({ serverErrorRate: 0 });
        },
      });

      expect(unaccounted(run, report)).toEqual([]);
      const reasons = failureReasons(report);
      expect(reasons.length).toBeGreaterThan(0);
      for (const reason of reasons) {
        expect(reason.code).toBe('GRAPH_UNAVAILABLE');
        expect(reason.message).toMatch(OUTAGE_MESSAGE);
      }
      // Users finished before the outage, and every user started after it (at most RECOVERY_AT + CONCURRENCY
      // had started when it ended), were bound.
      expect(report.totals.done).toBeGreaterThanOrEqual(OUTAGE_AT + USERS - RECOVERY_AT - CONCURRENCY);
      expect(report.totals.done + report.totals.failed).toBe(USERS);
      const done = report.results.filter((result) => result.outcome === 'done').map((result) => result.email);
      expect(await mismatchedBindings(run, done)).toEqual([]);

      await expectResumeCompletes(run, 'outage-op', reasons.length);
    } finally {
      await run.close();
    }
  });

  it('an outage while the run reads the subscription fails at most the users waiting for it; later users are licensed', async () => {
    const run = await openOutageRun('skus');
    try {
      const { sandbox } = run.harness;
      // Graph goes down exactly while the run's first subscription read (the licence's seats) is on the wire.
      // How each subscription read ended, in order (it may travel alone or in a $batch envelope that the
      // outage fails as a whole, so the sandbox's log cannot always name it).
      const subscriptionReads: ('failed' | 'read')[] = [];
      const gateway = new Proxy<M365Gateway>(run.harness.gateway, {
        get(target, property, receiver) {
          const value: unknown = Reflect.get(target, property, receiver);
          if (property !== 'listSubscribedSkus' || typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            if (subscriptionReads.length === 0) sandbox.setFaults({ serverErrorRate: 1 });
            try {
              const skus: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(
                target,
                args,
              );
              subscriptionReads.push('read');
              return skus;
            } catch (error) {
              subscriptionReads.push('failed');
              throw error;
            } finally {
              sandbox.setFaults({ serverErrorRate: 0 });
            }
          };
        },
      });
      const report = await run.harness.restart(gateway).bind(run.emails, {
        actor: ADMIN,
        operationId: 'skus-op',
        licenceSku: run.sku.skuPartNumber,
        welcome: false,
      });

      // The first read met the outage (every attempt failed), and a later one read the subscription.
      expect(subscriptionReads[0]).toBe('failed');
      expect(subscriptionReads).toContain('read');
      expect(unaccounted(run, report)).toEqual([]);
      // At most the users in flight when it failed (those that waited for it) fail; everyone after is licensed.
      const reasons = failureReasons(report);
      expect(reasons.length).toBeLessThanOrEqual(CONCURRENCY);
      for (const reason of reasons) expect(reason.code).toBe('GRAPH_UNAVAILABLE');

      await expectResumeCompletes(run, 'skus-op', reasons.length);
    } finally {
      await run.close();
    }
  });
});
