import type { GraphClock } from './timing.js';

/** What MSAL handed out: the token and how long it lives (expires_in, in Graph milliseconds). */
export interface AcquiredToken {
  accessToken: string;
  lifetimeMs: number;
}

/** Asks the token endpoint (skipCache) or MSAL's cache for an app-only token. */
export type AcquireToken = (skipCache: boolean) => Promise<AcquiredToken>;

/** Refresh this long before the token expires, or a tenth of its lifetime when that is shorter. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * The app-only access token, shared by every request of one Graph client.
 *
 * - `current()` serves the token until shortly before it expires on Graph's clock. MSAL's own cache runs on
 *   the real clock; against a sandbox running faster than real time it would keep serving an expired token, so
 *   the expiry is tracked here and a stale token is replaced with `skipCache`.
 * - `refresh(rejected)` is for a 401 (token revoked or expired early): it fetches a new token from the token
 *   endpoint, unless another request already replaced the rejected one. Concurrent callers share one token
 *   request, so a burst of 401s after a revocation costs one round trip to Entra.
 */
export class TokenSource {
  private cached: { token: string; freshUntil: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly acquire: AcquireToken,
    private readonly clock: GraphClock,
  ) {}

  current(): Promise<string> {
    const cached = this.cached;
    if (cached && this.clock.now() < cached.freshUntil) return Promise.resolve(cached.token);
    return this.fetch(cached !== null);
  }

  refresh(rejected: string): Promise<string> {
    const cached = this.cached;
    if (cached && cached.token !== rejected && this.clock.now() < cached.freshUntil) {
      return Promise.resolve(cached.token);
    }
    return this.fetch(true);
  }

  private fetch(skipCache: boolean): Promise<string> {
    if (this.pending) return this.pending;
    const pending = this.acquire(skipCache).then(
      ({ accessToken, lifetimeMs }) => {
        const margin = Math.min(REFRESH_MARGIN_MS, lifetimeMs / 10);
        this.cached = { token: accessToken, freshUntil: this.clock.now() + lifetimeMs - margin };
        this.pending = null;
        return accessToken;
      },
      (error: unknown) => {
        this.pending = null;
        throw error;
      },
    );
    this.pending = pending;
    return pending;
  }
}
