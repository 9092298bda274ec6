import type { SandboxClock } from '../clock.js';
import type { GraphRequest, GraphResponse } from '../graph-types.js';
import { TENANT_SIZES } from '../options.js';
import type { TenantSize } from '../options.js';
import { isBatchEnvelope, requestCost } from './costs.js';
import { TokenBucket } from './token-bucket.js';
import { formatRetryAfter, tooManyRequests } from './too-many-requests.js';

/**
 * Identity-and-access throttling (graph-behaviour §7): an RU bucket per app+tenant sized by the tenant, a
 * write quota per app+tenant and a write quota per tenant shared by all apps. Buckets are token buckets (see
 * token-bucket.ts for why) on the sandbox clock.
 *
 * Usage accrues while throttled: a throttled request books its cost on each limit it exceeded (see
 * token-bucket.ts), so every request sent while throttled lengthens the wait, as Microsoft describes, and the
 * Retry-After is the time until that booking is due — a caller that honours it succeeds on the retry, which
 * then pays the cost once. A throttled request is not charged to the limits it did not exceed.
 *
 * Not modelled: the per-app limits across all tenants (150,000 RU per 20 s, 35,000 writes per 5 min) — the
 * sandbox has one tenant, where the app+tenant limits are always the tighter ones; `x-ms-throttle-priority`
 * only orders who gets throttled first under contention, which a single bucket per scope cannot express.
 */
export const RESOURCE_UNIT_WINDOW_MS = 10_000;
export const APP_TENANT_WRITE_LIMIT = { writes: 3_000, windowMs: 150_000 } as const;
export const TENANT_WRITE_LIMIT = { writes: 18_000, windowMs: 300_000 } as const;

export interface ThrottleLimiterOptions {
  clock: SandboxClock;
  /** false: nothing is throttled (SandboxOptions.throttling 'off'); costs are still reported. */
  enabled: boolean;
  appId: string;
  tenantId: string;
  /** Read on every request, so the RU budget follows the tenant as users are added or removed. */
  tenantSize: () => TenantSize;
}

export type ChargeResult =
  | { throttled: false; headers: Record<string, string> }
  | { throttled: true; retryAfterSeconds: number; headers: Record<string, string>; response: GraphResponse };

export interface BucketLevel {
  /** The x-ms-throttle-scope this bucket reports when it throttles. */
  scope: string;
  limit: number;
  windowSeconds: number;
  /** Tokens a new request could spend now; negative while throttled requests have more booked than is there. */
  available: number;
}

export interface ThrottleLevels {
  resourceUnits: BucketLevel;
  writes: BucketLevel;
  tenantWrites: BucketLevel;
}

interface AppBuckets {
  resourceUnits: TokenBucket;
  writes: TokenBucket;
}

/** One bucket a request is charged to, and how that bucket reports itself when it throttles. */
interface Meter {
  bucket: TokenBucket;
  amount: number;
  scope: string;
  information: 'ResourceUnitLimitExceeded' | 'WriteLimitExceeded';
}

export class ThrottleLimiter {
  private readonly apps = new Map<string, AppBuckets>();
  private tenantWrites: TokenBucket;

  constructor(private readonly options: ThrottleLimiterOptions) {
    this.tenantWrites = this.newTenantWriteBucket();
  }

  /**
   * Charges one Graph request (a top-level request or one $batch item) and decides whether it is throttled.
   * `appId` defaults to the sandbox's app; passing another one models a second app in the same tenant.
   */
  charge(req: GraphRequest, requestId: string, appId: string = this.options.appId): ChargeResult {
    // The envelope is free: each item is charged on its own when it is dispatched (graph-behaviour §6).
    if (isBatchEnvelope(req.path)) return { throttled: false, headers: {} };
    const cost = requestCost(req);
    const headers: Record<string, string> = { 'x-ms-resource-unit': String(cost.resourceUnits) };
    if (!this.options.enabled) return { throttled: false, headers };

    const now = this.options.clock.now();
    const meters = this.metersFor(cost, appId);
    const exceeded = meters.filter((meter) => !meter.bucket.admits(meter.amount, now));
    if (exceeded.length === 0) {
      for (const meter of meters) meter.bucket.take(meter.amount, now);
      const percentage = limitPercentage(meters, now);
      if (percentage !== undefined) headers['x-ms-throttle-limit-percentage'] = percentage;
      return { throttled: false, headers };
    }

    // Book the cost on every limit this request exceeded; it may come back when the last booking is due.
    const waits = exceeded.map((meter) => ({ meter, ms: meter.bucket.book(meter.amount, now) }));
    const binding = waits.reduce((longest, wait) => (wait.ms > longest.ms ? wait : longest));
    const retryAfterSeconds = Math.ceil(binding.ms) / 1000;
    const throttleHeaders: Record<string, string> = {
      ...headers,
      'retry-after': formatRetryAfter(retryAfterSeconds),
      'x-ms-throttle-scope': binding.meter.scope,
      'x-ms-throttle-information': binding.meter.information,
    };
    const percentage = limitPercentage(meters, now);
    if (percentage !== undefined) throttleHeaders['x-ms-throttle-limit-percentage'] = percentage;
    const clientRequestId = req.headers['client-request-id'];
    const response = tooManyRequests({
      now,
      requestId,
      ...(clientRequestId === undefined ? {} : { clientRequestId }),
      retryAfterSeconds,
      headers: throttleHeaders,
    });
    return { throttled: true, retryAfterSeconds, headers: throttleHeaders, response };
  }

  /** Current bucket levels of one app (default: the sandbox's app) and of the tenant, for the inspection API. */
  levels(appId: string = this.options.appId): ThrottleLevels {
    const now = this.options.clock.now();
    const app = this.appBuckets(appId);
    const level = (bucket: TokenBucket, scope: string): BucketLevel => ({
      scope,
      limit: bucket.limit(),
      windowSeconds: bucket.windowMs / 1000,
      available: bucket.available(now),
    });
    return {
      resourceUnits: level(app.resourceUnits, this.scope('Tenant_Application', 'ReadWrite', appId)),
      writes: level(app.writes, this.scope('Tenant_Application', 'Write', appId)),
      tenantWrites: level(this.tenantWrites, this.scope('Tenant', 'Write', appId)),
    };
  }

  /** Every bucket full again (tests, and the inspection API's reset). */
  reset(): void {
    this.apps.clear();
    this.tenantWrites = this.newTenantWriteBucket();
  }

  private metersFor(cost: { resourceUnits: number; write: boolean }, appId: string): Meter[] {
    const app = this.appBuckets(appId);
    const meters: Meter[] = [
      {
        bucket: app.resourceUnits,
        amount: cost.resourceUnits,
        scope: this.scope('Tenant_Application', 'ReadWrite', appId),
        information: 'ResourceUnitLimitExceeded',
      },
    ];
    if (cost.write) {
      meters.push(
        {
          bucket: app.writes,
          amount: 1,
          scope: this.scope('Tenant_Application', 'Write', appId),
          information: 'WriteLimitExceeded',
        },
        {
          bucket: this.tenantWrites,
          amount: 1,
          scope: this.scope('Tenant', 'Write', appId),
          information: 'WriteLimitExceeded',
        },
      );
    }
    return meters;
  }

  private appBuckets(appId: string): AppBuckets {
    let buckets = this.apps.get(appId);
    if (!buckets) {
      const now = this.options.clock.now();
      buckets = {
        resourceUnits: new TokenBucket(
          () => TENANT_SIZES[this.options.tenantSize()].resourceUnitsPer10s,
          RESOURCE_UNIT_WINDOW_MS,
          now,
        ),
        writes: new TokenBucket(() => APP_TENANT_WRITE_LIMIT.writes, APP_TENANT_WRITE_LIMIT.windowMs, now),
      };
      this.apps.set(appId, buckets);
    }
    return buckets;
  }

  private newTenantWriteBucket(): TokenBucket {
    return new TokenBucket(
      () => TENANT_WRITE_LIMIT.writes,
      TENANT_WRITE_LIMIT.windowMs,
      this.options.clock.now(),
    );
  }

  /** `<Scope>/<Limit>/<ApplicationId>/<TenantId>`, e.g. `Tenant_Application/ReadWrite/<app>/<tenant>`. */
  private scope(kind: 'Tenant_Application' | 'Tenant', limit: 'ReadWrite' | 'Write', appId: string): string {
    return `${kind}/${limit}/${appId}/${this.options.tenantId}`;
  }
}

/**
 * `x-ms-throttle-limit-percentage`: only once more than 80 % of a limit is used, as a ratio from 0.8 to 1.8
 * (1.2 = 20 % over). Reports the most used of the limits this request counts against.
 */
function limitPercentage(meters: readonly Meter[], now: number): string | undefined {
  const usage = Math.max(...meters.map((meter) => meter.bucket.usage(now)));
  if (!(usage > 0.8)) return undefined;
  const clamped = Math.min(1.8, Math.max(0.8, Math.floor(usage * 100) / 100));
  return String(clamped);
}
