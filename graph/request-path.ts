import {
  GraphAuthenticationError,
  GraphThrottledError,
  GraphUnavailableError,
  GraphUnexpectedResponseError,
} from '../commands/errors.js';
import type { DomainError } from '../commands/errors.js';
import type { RequestTrace } from '../commands/engine/ports.js';
import type { Batcher } from './batcher.js';
import { requestCost } from './costs.js';
import { translateFailure, translateTokenError } from './errors.js';
import type { FailureContext } from './errors.js';
import type { Pacer } from './pacer.js';
import { sleep } from './timing.js';
import type { GraphClock } from './timing.js';
import type { TokenSource } from './token-source.js';
import type { Transport, WireOutcome, WireRequest } from './transport.js';

/**
 * Every Graph request of the gateway goes through `RequestPath.send`: token → pacer → (batched) transport →
 * outcome → either the reply or, after translation (graph/errors.ts), a retry or a taxonomy error. Retries
 * live here only: the gateway's graph-client has no RetryHandler (`retry: false`), so nothing is retried
 * twice, and every attempt — first or retry — waits for pacing budget, because Graph charges every attempt.
 *
 * - 429: the pacer pauses everyone for Retry-After (+ jitter), then the request goes again; given up after
 *   `maxThrottleWaitMs` of accumulated Retry-After (GraphThrottledError, policy 'retry').
 * - 503, 502, 504 and lost connections: retried after Retry-After (or exponential back-off) with jitter, at most
 *   `maxTransientRetries` times, then GraphUnavailableError for this call only. A 504 or a lost connection may
 *   have been applied; calls that must not repeat (`onAmbiguous: 'fail'`, sendMail) stop there.
 * - 401: one fresh token (skipCache) and one more try; a second 401 is GraphAuthenticationError.
 * Every request-id seen (top level and batch item) goes to the trace and to the error.
 */
export interface GraphCall extends WireRequest {
  /** May travel in a $batch with other calls. */
  batchable: boolean;
  /** After a failure that may have been applied (lost connection, 504): send again, or fail (at most once). */
  onAmbiguous: 'retry' | 'fail';
  /** Set when an attempt may have been applied and the call was sent again (createUser reconciles). */
  ambiguity?: { seen: boolean };
  context: FailureContext;
}

export interface GraphReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface RetryLimits {
  maxTransientRetries: number;
  maxThrottleWaitMs: number;
}

export interface RequestPathParts {
  tokens: TokenSource;
  pacer: Pacer;
  transport: Transport;
  batcher: Batcher | null;
  clock: GraphClock;
  random: () => number;
  limits: RetryLimits;
}

/** Exponential back-off when no Retry-After came: 1 s, 2 s, 4 s … capped at 30 s (Graph time). */
function backOffMs(retryAfterMs: number | undefined, retry: number): number {
  return retryAfterMs ?? Math.min(30_000, 1_000 * 2 ** (retry - 1));
}

/** x-ms-throttle-scope `Tenant_Application/Write/…` names the write quota, `…/ReadWrite/…` the RU budget. */
function throttledLimit(scope: string | undefined): 'writes' | 'resourceUnits' | undefined {
  const limit = scope?.split('/')[1];
  if (limit === 'Write') return 'writes';
  return limit === 'ReadWrite' || limit === 'Read' ? 'resourceUnits' : undefined;
}

interface AttemptState {
  requestIds: string[];
  refreshed: boolean;
  transientRetries: number;
  throttledMs: number;
}

export class RequestPath {
  constructor(private readonly parts: RequestPathParts) {}

  async send(call: GraphCall, trace: RequestTrace | undefined, allowBatching: boolean): Promise<GraphReply> {
    const cost = requestCost(call.method, call.path);
    const state: AttemptState = { requestIds: [], refreshed: false, transientRetries: 0, throttledMs: 0 };
    for (;;) {
      const token = await this.token(() => this.parts.tokens.current(), state);
      await this.parts.pacer.acquire(cost);
      const outcome = await this.dispatch(call, token, allowBatching);
      state.requestIds.push(...outcome.requestIds);
      trace?.requestIds.push(...outcome.requestIds);
      if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) {
        return { status: outcome.status, headers: outcome.headers, body: outcome.body };
      }
      const error = this.translate(outcome, call, state);
      await this.prepareRetry(error, call, token, state);
    }
  }

  private dispatch(call: GraphCall, token: string, allowBatching: boolean): Promise<WireOutcome> {
    const request: WireRequest = {
      method: call.method,
      path: call.path,
      ...(call.headers ? { headers: call.headers } : {}),
      ...(call.body !== undefined ? { body: call.body } : {}),
    };
    const { batcher, transport } = this.parts;
    return allowBatching && call.batchable && batcher
      ? batcher.submit(request, token)
      : transport.send(request, token);
  }

  private translate(outcome: WireOutcome, call: GraphCall, state: AttemptState): DomainError {
    const requestIds = [...state.requestIds];
    if (outcome.kind === 'unreadable') {
      const error = new GraphUnexpectedResponseError(call.context.operation, outcome.problem);
      error.requestIds = requestIds;
      return error;
    }
    if (outcome.kind === 'no-response') {
      return translateFailure(
        { status: undefined, headers: {}, body: undefined, requestIds, cause: outcome.cause },
        call.context,
      );
    }
    return translateFailure(
      { status: outcome.status, headers: outcome.headers, body: outcome.body, requestIds },
      call.context,
    );
  }

  /** Returns when the call should be sent again; throws the error when it should not. */
  private async prepareRetry(
    error: DomainError,
    call: GraphCall,
    token: string,
    state: AttemptState,
  ): Promise<void> {
    if (error instanceof GraphAuthenticationError && !state.refreshed) {
      state.refreshed = true;
      await this.token(() => this.parts.tokens.refresh(token), state);
      return;
    }
    if (error instanceof GraphThrottledError) {
      state.throttledMs += error.retryAfterMs;
      if (state.throttledMs > this.parts.limits.maxThrottleWaitMs) throw error;
      this.parts.pacer.backOff(error.retryAfterMs, throttledLimit(error.scope));
      return;
    }
    if (!(error instanceof GraphUnavailableError) || error.status === 500) throw error;
    const ambiguous = error.status === undefined || error.status === 504;
    if (ambiguous && call.onAmbiguous === 'fail') throw error;
    state.transientRetries += 1;
    if (state.transientRetries > this.parts.limits.maxTransientRetries) throw error;
    if (ambiguous && call.ambiguity) call.ambiguity.seen = true;
    const wait = backOffMs(error.retryAfterMs, state.transientRetries);
    await sleep(this.parts.clock, wait * (1 + 0.2 * this.parts.random()));
  }

  private async token(get: () => Promise<string>, state: AttemptState): Promise<string> {
    try {
      return await get();
    } catch (cause) {
      const error = translateTokenError(cause);
      error.requestIds = [...state.requestIds];
      throw error;
    }
  }
}
