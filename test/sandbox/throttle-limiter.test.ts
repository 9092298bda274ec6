import { describe, it, expect } from '@jest/globals';
import { createClock } from '../../sandbox/clock.js';
import type { SandboxClock } from '../../sandbox/clock.js';
import type { GraphRequest } from '../../sandbox/graph-types.js';
import type { TenantSize } from '../../sandbox/options.js';
import { ThrottleLimiter } from '../../sandbox/throttle/limiter.js';
import type { ChargeResult } from '../../sandbox/throttle/limiter.js';

const APP = '3c1d9b7a-52e4-4f0a-8d6b-9a2e7c4f1b05';
const TENANT = '7f0c5a2e-4d8b-4a51-9c3e-2b6f1d9e8a40';

function request(method: string, path: string, headers: Record<string, string> = {}): GraphRequest {
  return { method, path, query: new URLSearchParams(), headers, body: undefined };
}
const getUser = (): GraphRequest => request('GET', '/v1.0/users/abc');
const patchUser = (): GraphRequest => request('PATCH', '/v1.0/users/abc');

function limiterWith(
  size: TenantSize = 'S',
  clock: SandboxClock = createClock({ startAt: 0, realNow: () => 0 }),
) {
  let tenantSize = size;
  const limiter = new ThrottleLimiter({
    clock,
    enabled: true,
    appId: APP,
    tenantId: TENANT,
    tenantSize: () => tenantSize,
  });
  return { limiter, clock, setSize: (next: TenantSize) => (tenantSize = next) };
}

/** Charges `count` requests and returns the last result; fails if any earlier one was throttled. */
function chargeMany(
  limiter: ThrottleLimiter,
  make: () => GraphRequest,
  count: number,
  appId = APP,
): ChargeResult {
  let last: ChargeResult | undefined;
  for (let i = 0; i < count; i += 1) {
    last = limiter.charge(make(), `req-${i}`, appId);
    if (last.throttled && i < count - 1) throw new Error(`request ${i} was throttled early`);
  }
  if (!last) throw new Error('no requests charged');
  return last;
}

function expectThrottled(result: ChargeResult): Extract<ChargeResult, { throttled: true }> {
  if (!result.throttled) throw new Error('expected a 429');
  return result;
}

describe('ThrottleLimiter', () => {
  it('reports the request cost in x-ms-resource-unit and no percentage while usage is low', () => {
    const { limiter } = limiterWith();
    const result = limiter.charge(request('GET', '/v1.0/users'), 'r1');
    expect(result).toEqual({ throttled: false, headers: { 'x-ms-resource-unit': '2' } });
  });

  it('throttles the request past 3,500 RU in 10 s for a small tenant with the documented 429', () => {
    const { limiter } = limiterWith('S');
    const ok = chargeMany(limiter, getUser, 3500);
    expect(ok.throttled).toBe(false);
    const throttled = expectThrottled(
      limiter.charge(request('GET', '/v1.0/users/abc', { 'client-request-id': 'client-1' }), 'req-x'),
    );
    expect(throttled.response.status).toBe(429);
    expect(throttled.headers['x-ms-throttle-scope']).toBe(`Tenant_Application/ReadWrite/${APP}/${TENANT}`);
    expect(throttled.headers['x-ms-throttle-information']).toBe('ResourceUnitLimitExceeded');
    expect(throttled.headers['x-ms-resource-unit']).toBe('1');
    expect(Number(throttled.headers['retry-after'])).toBe(throttled.retryAfterSeconds);
    expect(throttled.retryAfterSeconds).toBeGreaterThan(0);
    expect(throttled.response.headers['retry-after']).toBe(throttled.headers['retry-after']);
    expect(throttled.response.headers['request-id']).toBe('req-x');
    expect(throttled.response.body).toEqual({
      error: {
        code: 'TooManyRequests',
        message: 'Please retry again later.',
        innerError: {
          code: '429',
          message: 'Please retry after',
          status: '429',
          date: '1970-01-01T00:00:00',
          'request-id': 'req-x',
          'client-request-id': 'client-1',
        },
      },
    });
  });

  it('sizes the RU bucket by the tenant size read at request time', () => {
    const medium = limiterWith('M').limiter;
    expect(chargeMany(medium, getUser, 5000).throttled).toBe(false);
    expect(medium.charge(getUser(), 'over').throttled).toBe(true);

    const large = limiterWith('L').limiter;
    expect(chargeMany(large, getUser, 8000).throttled).toBe(false);
    expect(large.charge(getUser(), 'over').throttled).toBe(true);

    const growing = limiterWith('S');
    growing.setSize('M');
    expect(growing.limiter.levels().resourceUnits.limit).toBe(5000);
  });

  it('refills the RU bucket continuously on the sandbox clock', () => {
    const { limiter, clock } = limiterWith('S');
    chargeMany(limiter, getUser, 3500);
    clock.advance(1000); // 350 RU per second come back
    expect(chargeMany(limiter, getUser, 350).throttled).toBe(false);
    expect(limiter.charge(getUser(), 'over').throttled).toBe(true);
  });

  it('lets a request through once the Retry-After it was given has passed', () => {
    const { limiter, clock } = limiterWith('S');
    chargeMany(limiter, getUser, 3500);
    const throttled = expectThrottled(limiter.charge(getUser(), 'r'));
    clock.advance(throttled.retryAfterSeconds * 1000);
    expect(limiter.charge(getUser(), 'retry').throttled).toBe(false);
  });

  it('keeps accruing usage while throttled, so immediate retries lengthen the wait', () => {
    const { limiter } = limiterWith('S');
    chargeMany(limiter, getUser, 3500);
    const first = expectThrottled(limiter.charge(getUser(), 'r1'));
    const second = expectThrottled(limiter.charge(getUser(), 'r2'));
    const third = expectThrottled(limiter.charge(getUser(), 'r3'));
    expect(second.retryAfterSeconds).toBeGreaterThan(first.retryAfterSeconds);
    expect(third.retryAfterSeconds).toBeGreaterThan(second.retryAfterSeconds);
  });

  it('lets every throttled request of a burst through when they all come back after the largest Retry-After', () => {
    const { limiter, clock } = limiterWith('L');
    chargeMany(limiter, patchUser, 3000);
    const throttled = Array.from({ length: 20 }, (_, i) =>
      expectThrottled(limiter.charge(patchUser(), `t${i}`)),
    );
    const waits = throttled.map((result) => result.retryAfterSeconds);
    expect([...waits].sort((a, b) => a - b)).toEqual(waits); // each booking waits behind the earlier ones
    clock.advance(Math.max(...waits) * 1000);
    const retried = Array.from({ length: 20 }, (_, i) => limiter.charge(patchUser(), `retry${i}`));
    expect(retried.filter((result) => result.throttled)).toHaveLength(0);
  });

  it('lets concurrent callers through when each honours its own Retry-After', () => {
    const { limiter, clock } = limiterWith('L');
    chargeMany(limiter, patchUser, 3000);
    const start = clock.now();
    const waits = Array.from(
      { length: 10 },
      (_, i) => expectThrottled(limiter.charge(patchUser(), `t${i}`)).retryAfterSeconds,
    );
    for (const [i, wait] of waits.entries()) {
      clock.advance(start + wait * 1000 - clock.now());
      expect(limiter.charge(patchUser(), `retry${i}`).throttled).toBe(false);
    }
  });

  it('does not let a new request take tokens booked for throttled requests that are still waiting', () => {
    const { limiter, clock } = limiterWith('L');
    chargeMany(limiter, patchUser, 3000);
    const waits = Array.from(
      { length: 5 },
      (_, i) => expectThrottled(limiter.charge(patchUser(), `t${i}`)).retryAfterSeconds,
    );
    clock.advance((waits[1] ?? 0) * 1000); // two bookings are due, but 3 more are still waiting
    expect(limiter.charge(patchUser(), 'claims-first').throttled).toBe(false);
    expect(limiter.charge(patchUser(), 'claims-second').throttled).toBe(false);
    expect(limiter.charge(patchUser(), 'newcomer').throttled).toBe(true);
  });

  it('allows 3,000 writes per 150 s per app and tenant, then refuses writes but still serves reads', () => {
    const { limiter, clock } = limiterWith('L');
    expect(chargeMany(limiter, patchUser, 3000).throttled).toBe(false);
    const throttled = expectThrottled(limiter.charge(patchUser(), 'w'));
    expect(throttled.headers['x-ms-throttle-scope']).toBe(`Tenant_Application/Write/${APP}/${TENANT}`);
    expect(throttled.headers['x-ms-throttle-information']).toBe('WriteLimitExceeded');
    expect(limiter.charge(getUser(), 'read').throttled).toBe(false);

    clock.advance(throttled.retryAfterSeconds * 1000);
    expect(limiter.charge(patchUser(), 'retry').throttled).toBe(false);
    clock.advance(150_000); // a whole window refills the whole quota
    expect(chargeMany(limiter, patchUser, 3000).throttled).toBe(false);
  });

  it('limits writes to 18,000 per 5 minutes per tenant across all apps', () => {
    const { limiter } = limiterWith('L');
    const apps = Array.from({ length: 7 }, (_, i) => `00000000-0000-0000-0000-00000000000${i}`);
    let writes = 0;
    let throttled: ChargeResult | undefined;
    for (const app of apps) {
      for (let i = 0; i < 2600 && !throttled?.throttled; i += 1) {
        throttled = limiter.charge(patchUser(), `w${writes}`, app);
        writes += 1;
      }
    }
    const result = expectThrottled(throttled ?? { throttled: false, headers: {} });
    expect(writes).toBe(18_001);
    expect(result.headers['x-ms-throttle-scope']).toBe(`Tenant/Write/${apps[6] ?? ''}/${TENANT}`);
    expect(result.headers['x-ms-throttle-information']).toBe('WriteLimitExceeded');
    expect(limiter.levels(apps[6]).writes.available).toBeGreaterThan(0);
  });

  it('sends x-ms-throttle-limit-percentage between 0.8 and 1.8 only above 80 % of a limit', () => {
    const { limiter } = limiterWith('S');
    const below = chargeMany(limiter, getUser, 2800); // exactly 80 %
    expect(below.headers['x-ms-throttle-limit-percentage']).toBeUndefined();
    const above = chargeMany(limiter, getUser, 100); // 2,900 of 3,500
    expect(above.headers['x-ms-throttle-limit-percentage']).toBe('0.82');
    for (let i = 0; i < 3000; i += 1) limiter.charge(getUser(), `flood-${i}`);
    const flooded = limiter.charge(getUser(), 'flooded');
    const percentage = Number(flooded.headers['x-ms-throttle-limit-percentage']);
    expect(percentage).toBeGreaterThan(1);
    expect(percentage).toBeLessThanOrEqual(1.8);
  });

  it('keeps every ratio under a faster timeScale: same Retry-After in sandbox seconds, shorter in real time', () => {
    let realNow = 0;
    const scenario = (timeScale: number) => {
      const clock = createClock({ startAt: 0, timeScale, realNow: () => realNow });
      const { limiter } = limiterWith('L', clock);
      chargeMany(limiter, patchUser, 3000);
      return { limiter, clock, throttled: expectThrottled(limiter.charge(patchUser(), 'over')) };
    };
    const normal = scenario(1);
    const fast = scenario(60);
    expect(fast.throttled.retryAfterSeconds).toBe(normal.throttled.retryAfterSeconds);

    // Waiting the Retry-After converted to real time is enough at 60×, and not yet at 1×.
    realNow += fast.clock.toRealMs(fast.throttled.retryAfterSeconds * 1000);
    expect(fast.limiter.charge(patchUser(), 'retry').throttled).toBe(false);
    expect(normal.limiter.charge(patchUser(), 'retry').throttled).toBe(true);
  });

  it('never throttles when disabled but still reports the cost', () => {
    const clock = createClock({ startAt: 0, realNow: () => 0 });
    const limiter = new ThrottleLimiter({
      clock,
      enabled: false,
      appId: APP,
      tenantId: TENANT,
      tenantSize: () => 'S',
    });
    const last = chargeMany(limiter, () => request('GET', '/v1.0/subscribedSkus'), 5000);
    expect(last).toEqual({ throttled: false, headers: { 'x-ms-resource-unit': '3' } });
  });

  it('does not charge the $batch envelope', () => {
    const { limiter } = limiterWith('S');
    chargeMany(limiter, getUser, 3500);
    expect(limiter.charge(request('POST', '/v1.0/$batch'), 'batch').throttled).toBe(false);
  });

  it('reports bucket levels and refills everything on reset()', () => {
    const { limiter } = limiterWith('S');
    chargeMany(limiter, patchUser, 100);
    expect(limiter.levels()).toEqual({
      resourceUnits: {
        scope: `Tenant_Application/ReadWrite/${APP}/${TENANT}`,
        limit: 3500,
        windowSeconds: 10,
        available: 3400,
      },
      writes: {
        scope: `Tenant_Application/Write/${APP}/${TENANT}`,
        limit: 3000,
        windowSeconds: 150,
        available: 2900,
      },
      tenantWrites: {
        scope: `Tenant/Write/${APP}/${TENANT}`,
        limit: 18000,
        windowSeconds: 300,
        available: 17900,
      },
    });
    limiter.reset();
    expect(limiter.levels().resourceUnits.available).toBe(3500);
    expect(limiter.levels().tenantWrites.available).toBe(18000);
  });
});
