import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GraphError, ResponseType } from '@microsoft/microsoft-graph-client';
import { createGraphClient } from '../../graph/client.js';
import { graphConnectionSchema } from '../../graph/connection.js';
import { graphFailure, openSandbox } from './graph-harness.js';
import type { SandboxHarness } from './graph-harness.js';

/**
 * Throttling through the product's own Graph client. The sandbox clock runs at 1/100 of real time so that no
 * budget refills while a test sends its burst; tests move the clock forward instead of waiting.
 */
let harness: SandboxHarness;
let writableUserIds: string[];

beforeAll(async () => {
  // 60 users: a medium tenant (5,000 RU per 10 s), so the write quota binds before the RU budget.
  harness = await openSandbox({ throttling: 'published', size: 60, timeScale: 0.01 });
  writableUserIds = harness.sandbox.inspection
    .users()
    .filter((user) => user.onPremisesSyncEnabled !== true)
    .map((user) => user.id);
});
afterAll(async () => {
  await harness.sandbox.close();
});
beforeEach(() => {
  harness.sandbox.setFaults({ throttleStorm: false, serverErrorRate: 0 });
  harness.sandbox.inspection.reset(); // every bucket full again
});

const someUser = (index = 0): string => writableUserIds[index % writableUserIds.length] ?? '';
const patchItem = (id: string, index: number) => ({
  id,
  method: 'PATCH',
  url: `/users/${someUser(index)}`,
  headers: { 'Content-Type': 'application/json' },
  body: { jobTitle: `Burst ${index}` },
});

/** Spends the whole 3,000-write app+tenant quota in $batch requests of 20 (no item is throttled yet). */
async function spendWriteQuota(): Promise<void> {
  const batches = Array.from({ length: 150 }, (_, b) => ({
    requests: Array.from({ length: 20 }, (_, i) => patchItem(String(i + 1), b * 20 + i)),
  }));
  for (let start = 0; start < batches.length; start += 10) {
    const wave = batches
      .slice(start, start + 10)
      .map((batch) => harness.graph.client.api('/$batch').post(batch));
    const answers = (await Promise.all(wave)) as { responses: { status: number }[] }[];
    const throttled = answers.flatMap((answer) => answer.responses).filter((item) => item.status === 429);
    expect(throttled).toHaveLength(0);
  }
}

const patchUser = (client = harness.graph.client, index = 0): Promise<unknown> =>
  client.api(`/users/${someUser(index)}`).patch({ jobTitle: `Single ${index}` });

describe('write quota through the Graph client', () => {
  it('answers the write after a 3,000-write burst with 429, Retry-After and the write scope; honoured, it succeeds', async () => {
    await spendWriteQuota();
    const failure = await graphFailure(patchUser());
    expect(failure.status).toBe(429);
    expect(failure.code).toBe('TooManyRequests');
    const options = harness.sandbox.options;
    expect(failure.headers?.get('x-ms-throttle-scope')).toBe(
      `Tenant_Application/Write/${options.clientId}/${options.tenantId}`,
    );
    expect(failure.headers?.get('x-ms-throttle-information')).toBe('WriteLimitExceeded');
    // graph-client hands over the `error` member of the body.
    expect(failure.body).toMatchObject({
      code: 'TooManyRequests',
      message: 'Please retry again later.',
      innerError: { code: '429', message: 'Please retry after', status: '429' },
    });
    const retryAfter = Number(failure.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);

    harness.sandbox.clock.advance(retryAfter * 1000);
    await expect(patchUser()).resolves.toBeUndefined(); // 204
  });

  it('keeps serving reads while writes are throttled', async () => {
    await spendWriteQuota();
    expect((await graphFailure(patchUser())).status).toBe(429);
    const user = (await harness.graph.client.api(`/users/${someUser()}`).get()) as { id: string };
    expect(user.id).toBe(someUser());
  });

  it('lengthens the Retry-After when the caller retries at once instead of waiting', async () => {
    await spendWriteQuota();
    const first = Number((await graphFailure(patchUser())).headers?.get('retry-after'));
    const second = Number((await graphFailure(patchUser())).headers?.get('retry-after'));
    expect(second).toBeGreaterThan(first);
  });

  it("succeeds through the retry middleware, which waits the 429's Retry-After and sends again", async () => {
    await spendWriteQuota();
    const retrying = createGraphClient(graphConnectionSchema.parse(harness.sandbox.connection()), {
      retry: { maxRetries: 3, delaySeconds: 1 },
    });
    const correlation = 'retry-middleware-test';
    const attempts = () =>
      harness.sandbox.inspection.requests().filter((record) => record.clientRequestId === correlation);
    const pending = retrying.client
      .api(`/users/${someUser(7)}`)
      .header('client-request-id', correlation)
      .patch({ jobTitle: 'Retried' });
    // The first attempt is throttled; move the (slow) sandbox clock past its Retry-After meanwhile.
    while (!attempts().some((record) => record.status === 429))
      await new Promise((resolve) => setTimeout(resolve, 2));
    harness.sandbox.clock.advance(10_000);
    await expect(pending).resolves.toBeUndefined();
    const statuses = attempts().map((record) => record.status);
    expect(statuses[0]).toBe(429);
    expect(statuses.at(-1)).toBe(204);
  });
});

describe('resource units', () => {
  it('reports x-ms-resource-unit and, above 80 % of the RU budget, x-ms-throttle-limit-percentage', async () => {
    const api = () => harness.graph.client.api('/users').top(999).responseType(ResponseType.RAW);
    const first = (await api().get()) as Response;
    expect(first.headers.get('x-ms-resource-unit')).toBe('2');
    expect(first.headers.get('x-ms-throttle-limit-percentage')).toBeNull();
    // 2,100 list calls × 2 RU = 4,200 of 5,000 RU.
    for (let wave = 0; wave < 21; wave += 1)
      await Promise.all(Array.from({ length: 100 }, () => api().get()));
    const late = (await api().get()) as Response;
    const percentage = Number(late.headers.get('x-ms-throttle-limit-percentage'));
    expect(percentage).toBeGreaterThan(0.8);
    expect(percentage).toBeLessThanOrEqual(1.8);
  });
});

describe('forced throttle storm', () => {
  it('answers every request with TooManyRequests and a Retry-After until the storm ends, without spending budget', async () => {
    const before = harness.sandbox.inspection.bucketLevels().resourceUnits.available;
    harness.sandbox.setFaults({ throttleStorm: true });
    for (const call of [
      () => harness.graph.client.api(`/users/${someUser()}`).get(),
      () => harness.graph.client.api('/users').get(),
      () => patchUser(),
    ]) {
      const failure = await graphFailure(call());
      expect(failure.status).toBe(429);
      expect(failure.code).toBe('TooManyRequests');
      expect(Number(failure.headers?.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(harness.sandbox.inspection.bucketLevels().resourceUnits.available).toBe(before);
    harness.sandbox.setFaults({ throttleStorm: false });
    await expect(patchUser()).resolves.toBeUndefined();
  });
});

interface FaultOutcome {
  status: number;
  code: string;
  retryAfter: string | null;
}

describe('injected 503 and 504', () => {
  it('answers serviceNotAvailable (503) and gatewayTimeout (504) with Retry-After, reproducibly by seed', async () => {
    const runStatuses = async (): Promise<FaultOutcome[]> => {
      const faulty = await openSandbox({ seed: 1234, faults: { serverErrorRate: 0.5 } });
      try {
        const outcomes: FaultOutcome[] = [];
        for (let i = 0; i < 24; i += 1) {
          const call = faulty.graph.client.api('/users').top(1).get() as Promise<unknown>;
          const outcome = await call.then(
            () => ({ status: 200, code: '', retryAfter: null }),
            (error: unknown) => {
              if (!(error instanceof GraphError)) throw error;
              return {
                status: error.statusCode,
                code: error.code ?? '',
                retryAfter: error.headers?.get('retry-after') ?? null,
              };
            },
          );
          outcomes.push(outcome);
        }
        return outcomes;
      } finally {
        await faulty.sandbox.close();
      }
    };
    const first = await runStatuses();
    expect(await runStatuses()).toEqual(first);
    const statuses = new Set(first.map((outcome) => outcome.status));
    expect(statuses).toEqual(new Set([200, 503, 504]));
    for (const outcome of first.filter((entry) => entry.status !== 200)) {
      expect(outcome.code).toBe(outcome.status === 503 ? 'serviceNotAvailable' : 'gatewayTimeout');
      expect(Number(outcome.retryAfter)).toBeGreaterThan(0);
    }
  });
});
