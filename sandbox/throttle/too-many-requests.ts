import { graphError } from '../errors.js';
import type { GraphResponse } from '../graph-types.js';

/**
 * The documented 429 (graph-behaviour §7, Microsoft's throttling sample), shared by the limiter and by the
 * fault injector's throttle storm so both look exactly alike:
 * {"error":{"code":"TooManyRequests","message":"Please retry again later.",
 *           "innerError":{"code":"429","message":"Please retry after","status":"429",date,request-id,...}}}
 */
export interface TooManyRequestsInit {
  /** Sandbox clock time of the request. */
  now: number;
  requestId: string;
  clientRequestId?: string;
  /** Seconds (sandbox time) until the request may be retried; may be fractional. */
  retryAfterSeconds: number;
  /** Extra headers such as x-ms-throttle-scope and x-ms-throttle-information. */
  headers?: Record<string, string>;
}

export function tooManyRequests(init: TooManyRequestsInit): GraphResponse {
  return graphError({
    status: 429,
    code: 'TooManyRequests',
    message: 'Please retry again later.',
    now: init.now,
    requestId: init.requestId,
    ...(init.clientRequestId === undefined ? {} : { clientRequestId: init.clientRequestId }),
    innerExtra: { code: '429', message: 'Please retry after', status: '429' },
    headers: { 'retry-after': formatRetryAfter(init.retryAfterSeconds), ...init.headers },
  });
}

/**
 * Retry-After in seconds. Graph sends fractional values too (`0.249`, graph-behaviour §6), so sub-second waits
 * keep millisecond precision, rounded up so that honouring the header is always long enough.
 */
export function formatRetryAfter(seconds: number): string {
  const milliseconds = Math.max(0, Math.ceil(seconds * 1000 - 1e-6));
  return String(milliseconds / 1000);
}
