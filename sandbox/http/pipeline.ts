import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { runBatch } from '../batch.js';
import type { SandboxClock } from '../clock.js';
import { graphError } from '../errors.js';
import type { FaultInjector } from '../faults.js';
import type { GraphRequest, GraphResponse } from '../graph-types.js';
import type { RequestRecord } from '../inspection.js';
import type { TenantServices } from '../routes/context.js';
import { routeGraphRequest } from '../routes/router.js';
import { GraphFailure } from '../tenant/failure.js';
import type { ThrottleLimiter } from '../throttle/limiter.js';
import type { TokenService } from '../token/service.js';

export interface PipelineDependencies {
  clock: SandboxClock;
  tokens: TokenService;
  faults: FaultInjector;
  limiter: ThrottleLimiter;
  tenant: TenantServices;
  recordRequest(record: RequestRecord): void;
}

export interface PipelineResult {
  response: GraphResponse;
  /** Injected connection reset: the HTTP layer destroys the socket after writing the headers. */
  reset: boolean;
}

function isBatchEnvelope(request: GraphRequest): boolean {
  return request.method === 'POST' && /^\/v1\.0\/\$batch\/?$/i.test(request.path);
}

/** Graph's 401 challenge (graph-behaviour §3). */
const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", ' +
  'client_id="00000003-0000-0000-c000-000000000000"';

/**
 * Every Graph request and every $batch item runs through the same stages, in Graph's order:
 * request-id → authentication → injected faults → throttling → route. Items of a batch re-enter at the top
 * with the envelope's Authorization header, so they are authenticated, faulted and metered one by one.
 */
export class GraphPipeline {
  constructor(private readonly deps: PipelineDependencies) {}

  handle(request: GraphRequest): Promise<PipelineResult> {
    return this.run(request, true);
  }

  private async run(request: GraphRequest, topLevel: boolean): Promise<PipelineResult> {
    const requestId = randomUUID();
    const clientRequestId = request.headers['client-request-id'] ?? requestId;
    const ids = { requestId, clientRequestId };
    const { response, reset, resourceUnits } = await this.stages(request, ids, topLevel);
    response.headers = { ...response.headers, 'request-id': requestId, 'client-request-id': clientRequestId };
    this.deps.recordRequest({
      time: new Date(this.deps.clock.now()).toISOString(),
      method: request.method,
      path: request.path,
      query: request.query.toString(),
      status: response.status,
      resourceUnits,
      ...(request.batchItemId === undefined ? {} : { batchItemId: request.batchItemId }),
      requestId,
      clientRequestId,
    });
    return { response, reset };
  }

  private async stages(
    request: GraphRequest,
    ids: { requestId: string; clientRequestId: string },
    topLevel: boolean,
  ): Promise<{ response: GraphResponse; reset: boolean; resourceUnits: number | null }> {
    const { clock, tokens, faults, limiter } = this.deps;
    const token = await tokens.verify(request.headers['authorization']);
    if (!token.ok) {
      const response = graphError({
        status: 401,
        code: 'InvalidAuthenticationToken',
        message: token.message,
        now: clock.now(),
        ...ids,
        headers: { 'www-authenticate': WWW_AUTHENTICATE },
      });
      return { response, reset: false, resourceUnits: null };
    }

    const decision = faults.decide();
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    const failure = decision.failure;
    // Graph throttles the requests inside a batch, not the envelope: a storm answers the $batch with 200 and
    // 429 items (json-batching docs). An outage (503/504) can still hit the envelope.
    const stormOnEnvelope = failure?.kind === 'throttle-storm' && topLevel && isBatchEnvelope(request);
    if (failure && failure.kind !== 'reset' && !stormOnEnvelope) {
      const extras = { clientRequestId: ids.clientRequestId };
      const response = faults.faultResponse(failure, clock.now(), ids.requestId, undefined, extras);
      return { response, reset: false, resourceUnits: null };
    }
    // A reset needs a connection of its own; for a batch item there is none, so items are answered normally.
    const reset = topLevel && failure?.kind === 'reset';

    const charge = limiter.charge(request, ids.requestId, token.claims.appId);
    const resourceUnits = Number(charge.headers['x-ms-resource-unit'] ?? Number.NaN);
    const units = Number.isFinite(resourceUnits) ? resourceUnits : null;
    if (charge.throttled) return { response: charge.response, reset, resourceUnits: units };

    const response = await this.route(request, new Set(token.claims.roles), ids, topLevel);
    response.headers = { ...response.headers, ...charge.headers };
    return { response, reset, resourceUnits: units };
  }

  private async route(
    request: GraphRequest,
    roles: ReadonlySet<string>,
    ids: { requestId: string; clientRequestId: string },
    topLevel: boolean,
  ): Promise<GraphResponse> {
    const now = this.deps.clock.now();
    if (topLevel && isBatchEnvelope(request)) {
      return runBatch(request, async (item) => (await this.run(item, false)).response, now, {
        requestId: ids.requestId,
      });
    }
    try {
      return routeGraphRequest(request, roles, this.deps.tenant);
    } catch (error) {
      if (!(error instanceof GraphFailure)) throw error;
      const details = error.details ? { details: error.details } : {};
      return graphError({
        status: error.status,
        code: error.code,
        message: error.message,
        now,
        ...ids,
        ...details,
      });
    }
  }
}
