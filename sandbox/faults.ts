import { graphError } from './errors.js';
import type { GraphResponse } from './graph-types.js';
import { sandboxOptionsSchema } from './options.js';
import type { FaultOptions } from './options.js';
import type { Random } from './random.js';
import { formatRetryAfter, tooManyRequests } from './throttle/too-many-requests.js';

/**
 * Fault injection (SandboxOptions.faults): extra latency, 503/504 with a Retry-After, connection resets and a
 * throttle storm. Every random draw comes from the seeded PRNG, so a run is reproducible by seed: the same
 * seed, options and request order give the same faults.
 */
export type InjectedFailure =
  { kind: 'server-error'; status: 503 | 504 } | { kind: 'reset' } | { kind: 'throttle-storm' };

/** The failures that are answered with a response; a reset is a destroyed connection, not a response. */
export type RespondedFailure = Exclude<InjectedFailure, { kind: 'reset' }>;

export interface FaultDecision {
  /** Extra real milliseconds to wait before answering. */
  latencyMs: number;
  failure: InjectedFailure | null;
}

export interface FaultResponseExtras {
  clientRequestId?: string;
  /** Extra headers for the response (e.g. throttle scope headers for a storm). */
  headers?: Record<string, string>;
}

/** Retry-After sent with injected failures when the caller names none (sandbox seconds). */
export const DEFAULT_FAULT_RETRY_AFTER_SECONDS = 1;

const faultOptionsSchema = sandboxOptionsSchema.shape.faults;

export class FaultInjector {
  private options: FaultOptions;

  constructor(
    options: FaultOptions,
    private readonly random: Random,
  ) {
    this.options = faultOptionsSchema.parse(options);
  }

  /** Changes some fault settings at run time (inspection API); the result is validated like SandboxOptions. */
  update(partial: Partial<FaultOptions>): FaultOptions {
    this.options = faultOptionsSchema.parse({ ...this.options, ...partial });
    return this.current();
  }

  current(): FaultOptions {
    return structuredClone(this.options);
  }

  /**
   * Decides the fate of one request. Draw order is fixed (latency, then one draw that picks server error or
   * reset by the configured shares, then 503-or-504) so that sequences are reproducible by seed.
   */
  decide(): FaultDecision {
    const latencyMs = this.drawLatency();
    if (this.options.throttleStorm) return { latencyMs, failure: { kind: 'throttle-storm' } };
    const roll = this.random.next();
    const { serverErrorRate, connectionResetRate } = this.options;
    if (roll < serverErrorRate) {
      // Half 503, half 504 (SandboxOptions.faults.serverErrorRate).
      return { latencyMs, failure: { kind: 'server-error', status: this.random.chance(0.5) ? 503 : 504 } };
    }
    if (roll < serverErrorRate + connectionResetRate) return { latencyMs, failure: { kind: 'reset' } };
    return { latencyMs, failure: null };
  }

  /** The response for an injected 503, 504 or storm 429, each with a Retry-After. */
  faultResponse(
    failure: RespondedFailure,
    now: number,
    requestId: string,
    retryAfterSeconds: number = DEFAULT_FAULT_RETRY_AFTER_SECONDS,
    extras: FaultResponseExtras = {},
  ): GraphResponse {
    const { clientRequestId } = extras;
    if (failure.kind === 'throttle-storm') {
      return tooManyRequests({
        now,
        requestId,
        ...(clientRequestId === undefined ? {} : { clientRequestId }),
        retryAfterSeconds,
        ...(extras.headers ? { headers: extras.headers } : {}),
      });
    }
    return graphError({
      status: failure.status,
      ...SERVER_ERRORS[failure.status],
      now,
      requestId,
      ...(clientRequestId === undefined ? {} : { clientRequestId }),
      headers: { 'retry-after': formatRetryAfter(retryAfterSeconds), ...extras.headers },
    });
  }

  private drawLatency(): number {
    const latency = this.options.latency;
    if (!latency) return 0;
    const low = Math.min(latency.minMs, latency.maxMs);
    const high = Math.max(latency.minMs, latency.maxMs);
    return low + this.random.next() * (high - low);
  }
}

/**
 * 503: `serviceNotAvailable` is the code Microsoft documents ("The service is not available. Try the request
 * again after a delay. There may be a Retry-After header.", graph/errors). 504 has no documented code;
 * `gatewayTimeout` follows the same camel-case convention [unconfirmed]. Both messages are [unconfirmed].
 */
const SERVER_ERRORS = {
  503: {
    code: 'serviceNotAvailable',
    message: 'The service is temporarily unavailable. Try the request again after a delay.',
  },
  504: {
    code: 'gatewayTimeout',
    message: 'The gateway did not receive a timely response from the upstream service.',
  },
} as const;
