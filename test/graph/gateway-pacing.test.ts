import { afterEach, describe, expect, it } from '@jest/globals';
import { openGateway, writableUsers } from './harness.js';
import type { GatewayHarness } from './harness.js';

/**
 * Pacing against the sandbox's published limits (throttling 'published'), 50× faster than real time. These
 * tests check outcomes (no call lost, hardly any 429), never durations; the figures are printed for the
 * report when GRAPH_PACING_REPORT is set.
 */
let harness: GatewayHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function report(label: string, figures: Record<string, number>): void {
  if (process.env['GRAPH_PACING_REPORT']) console.info(label, JSON.stringify(figures));
}

describe('pacing', () => {
  it('runs a 4,000-write burst at the write quota with (almost) no 429', async () => {
    harness = await openGateway({ size: 'S', timeScale: 50, throttling: 'published' });
    const { sandbox, gateway } = harness;
    const users = writableUsers(sandbox);
    await gateway.getTenantInfo();
    sandbox.inspection.reset();
    const startedAt = sandbox.clock.now();
    await Promise.all(
      Array.from({ length: 4_000 }, (_, index) =>
        gateway.updateUser(users[index % users.length]?.id ?? '', { jobTitle: `Paced ${index}` }),
      ),
    );
    const graphSeconds = (sandbox.clock.now() - startedAt) / 1000;
    const records = sandbox.inspection.requests();
    const items = records.filter((record) => record.method === 'PATCH');
    const throttled = items.filter((record) => record.status === 429).length;
    const applied = items.filter((record) => record.status === 204).length;
    report('4000 writes', {
      graphSeconds,
      writesPerGraphSecond: 4_000 / graphSeconds,
      quotaRatio: 4_000 / (3_000 + 20 * graphSeconds),
      throttled,
      share429: throttled / items.length,
      envelopes: records.filter((record) => record.path === '/v1.0/$batch').length,
    });
    expect(applied).toBe(4_000);
    expect(throttled / items.length).toBeLessThanOrEqual(0.01);
  });

  it('retries per-item 429s when the budget was overestimated, and every write still lands exactly once', async () => {
    // The gateway believes in an L tenant's 8,000 RU per 10 s; the 25-user sandbox allows 3,500, so items get
    // 429 (ResourceUnitLimitExceeded). Real time: at a faster clock the sandbox's budget would refill before
    // its own request handling could overspend it.
    harness = await openGateway(
      { size: 'S', timeScale: 1, throttling: 'published' },
      { limits: { tenantSize: 'L' } },
    );
    const { sandbox, gateway } = harness;
    const users = writableUsers(sandbox);
    const reads = Array.from({ length: 1_400 }, () => gateway.listSubscribedSkus()); // 3 RU each
    const writes = Array.from({ length: 400 }, (_, index) =>
      gateway.updateUser(users[index % users.length]?.id ?? '', { jobTitle: `Overshoot ${index}` }),
    );
    await Promise.all([...reads, ...writes]);
    const records = sandbox.inspection.requests();
    const itemThrottles = records.filter(
      (record) => record.status === 429 && record.batchItemId !== undefined,
    );
    const applied = records.filter((record) => record.method === 'PATCH' && record.status === 204).length;
    report('RU overshoot', { itemThrottles: itemThrottles.length, applied, requests: records.length });
    expect(itemThrottles.length).toBeGreaterThan(0);
    expect(applied).toBe(400);
    expect(gateway.pacingStats().throttled).toBeGreaterThan(0);
  });
});
