import { statusCodeOf } from './card-activity.js';

/**
 * Backoff for Bot Connector calls, on top of what botbuilder already does. Checked on botbuilder 4.23.3 against a
 * loopback connector: its ConnectorClient retries a 429 that carries Retry-After three times, waiting exactly
 * Retry-After (no jitter), and retries 408 / 5xx (but 501, 505) with exponential backoff and jitter; it does
 * not retry a 429 without Retry-After, nor 412. Teams asks bots to back off with jitter on 429 and to retry
 * 412, 502 and 504 too (chat-platforms.md §2.7). So this retries only what the SDK does not: 412, and a 429
 * that named no wait. A 429 that did name one has had its three waits already; retrying it again here would
 * multiply them.
 */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  random: Math.random,
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms);
    }),
};

function namedRetryAfter(error: unknown): boolean {
  const response = (error as { response?: { headers?: { get?: (name: string) => unknown } } }).response;
  const value = response?.headers?.get?.('retry-after');
  return value !== undefined && value !== null && value !== '';
}

export function retriedHere(error: unknown): boolean {
  const status = statusCodeOf(error);
  return status === 412 || (status === 429 && !namedRetryAfter(error));
}

/** "Full jitter": a random wait up to the exponential ceiling, so replicas do not retry in step. */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(policy.baseDelayMs / 2 + policy.random() * (ceiling - policy.baseDelayMs / 2));
}

export async function withConnectorRetry<T>(
  call: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt + 1 >= policy.attempts || !retriedHere(error)) throw error;
      await policy.sleep(backoffDelay(attempt, policy));
    }
  }
}
