import { describe, it, expect } from '@jest/globals';
import { FaultInjector } from '../../sandbox/faults.js';
import type { FaultDecision } from '../../sandbox/faults.js';
import type { FaultOptions } from '../../sandbox/options.js';
import { createRandom } from '../../sandbox/random.js';
import { tooManyRequests } from '../../sandbox/throttle/too-many-requests.js';

const quiet: FaultOptions = { serverErrorRate: 0, connectionResetRate: 0, throttleStorm: false };

function decisions(options: FaultOptions, seed: number, count: number): FaultDecision[] {
  const injector = new FaultInjector(options, createRandom(seed));
  return Array.from({ length: count }, () => injector.decide());
}

function share(list: readonly FaultDecision[], predicate: (decision: FaultDecision) => boolean): number {
  return list.filter(predicate).length / list.length;
}

describe('FaultInjector', () => {
  it('injects nothing with the default options', () => {
    expect(decisions(quiet, 1, 1000).every((d) => d.failure === null && d.latencyMs === 0)).toBe(true);
  });

  it('is reproducible by seed: the same seed gives the same faults, another seed different ones', () => {
    const options: FaultOptions = {
      ...quiet,
      serverErrorRate: 0.2,
      connectionResetRate: 0.1,
      latency: { minMs: 5, maxMs: 50 },
    };
    expect(decisions(options, 42, 500)).toEqual(decisions(options, 42, 500));
    expect(decisions(options, 43, 500)).not.toEqual(decisions(options, 42, 500));
  });

  it('answers about serverErrorRate of requests with 503 or 504, roughly half each', () => {
    const list = decisions({ ...quiet, serverErrorRate: 0.3 }, 7, 20_000);
    const serverErrors = share(list, (d) => d.failure?.kind === 'server-error');
    expect(serverErrors).toBeGreaterThan(0.28);
    expect(serverErrors).toBeLessThan(0.32);
    const status503 = share(list, (d) => d.failure?.kind === 'server-error' && d.failure.status === 503);
    expect(status503 / serverErrors).toBeGreaterThan(0.45);
    expect(status503 / serverErrors).toBeLessThan(0.55);
  });

  it('resets about connectionResetRate of connections', () => {
    const list = decisions({ ...quiet, connectionResetRate: 0.1 }, 9, 20_000);
    const resets = share(list, (d) => d.failure?.kind === 'reset');
    expect(resets).toBeGreaterThan(0.09);
    expect(resets).toBeLessThan(0.11);
    expect(share(list, (d) => d.failure?.kind === 'server-error')).toBe(0);
  });

  it('adds latency drawn from [minMs, maxMs]', () => {
    const list = decisions({ ...quiet, latency: { minMs: 20, maxMs: 80 } }, 3, 2000);
    const latencies = list.map((d) => d.latencyMs);
    expect(Math.min(...latencies)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(80);
    expect(Math.max(...latencies) - Math.min(...latencies)).toBeGreaterThan(50);
    expect(decisions({ ...quiet, latency: { minMs: 15, maxMs: 15 } }, 3, 10).map((d) => d.latencyMs)).toEqual(
      Array.from({ length: 10 }, () => 15),
    );
  });

  it('answers every request with a throttle storm while the storm is on, and stops when it is switched off', () => {
    const injector = new FaultInjector({ ...quiet, serverErrorRate: 0.5 }, createRandom(1));
    injector.update({ throttleStorm: true });
    for (let i = 0; i < 100; i += 1) expect(injector.decide().failure).toEqual({ kind: 'throttle-storm' });
    injector.update({ throttleStorm: false, serverErrorRate: 0 });
    for (let i = 0; i < 100; i += 1) expect(injector.decide().failure).toBeNull();
  });

  it('builds the storm 429 exactly like the throttling 429, with a Retry-After', () => {
    const injector = new FaultInjector(quiet, createRandom(1));
    const response = injector.faultResponse(
      { kind: 'throttle-storm' },
      Date.UTC(2024, 0, 2, 3, 4, 5),
      'req-1',
      2.5,
      {
        clientRequestId: 'client-1',
      },
    );
    expect(response).toEqual(
      tooManyRequests({
        now: Date.UTC(2024, 0, 2, 3, 4, 5),
        requestId: 'req-1',
        clientRequestId: 'client-1',
        retryAfterSeconds: 2.5,
      }),
    );
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('2.5');
    expect(response.body).toMatchObject({
      error: {
        code: 'TooManyRequests',
        innerError: { code: '429', status: '429', date: '2024-01-02T03:04:05' },
      },
    });
  });

  it('answers an injected 503 with serviceNotAvailable and an injected 504 with gatewayTimeout, both with Retry-After', () => {
    const injector = new FaultInjector(quiet, createRandom(1));
    const unavailable = injector.faultResponse({ kind: 'server-error', status: 503 }, 0, 'req-503', 3);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers['retry-after']).toBe('3');
    expect(unavailable.headers['request-id']).toBe('req-503');
    expect(unavailable.body).toMatchObject({
      error: { code: 'serviceNotAvailable', innerError: { 'request-id': 'req-503' } },
    });

    const timeout = injector.faultResponse({ kind: 'server-error', status: 504 }, 0, 'req-504');
    expect(timeout.status).toBe(504);
    expect(timeout.headers['retry-after']).toBe('1');
    expect(timeout.body).toMatchObject({ error: { code: 'gatewayTimeout' } });
  });

  it('validates updates like the sandbox options and returns copies from current()', () => {
    const injector = new FaultInjector(quiet, createRandom(1));
    expect(() => injector.update({ serverErrorRate: 1.5 })).toThrow();
    expect(injector.current().serverErrorRate).toBe(0);
    const snapshot = injector.current();
    snapshot.throttleStorm = true;
    expect(injector.current().throttleStorm).toBe(false);
    expect(injector.update({ latency: { minMs: 1, maxMs: 2 } })).toEqual({
      ...quiet,
      latency: { minMs: 1, maxMs: 2 },
    });
  });
});
