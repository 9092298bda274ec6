import { DryRunWriteError } from '../commands/errors.js';
import type { M365Directory, M365Gateway, RequestTrace, WouldSend } from '../commands/engine/ports.js';
import { Batcher } from './batcher.js';
import { createGraphClient } from './client.js';
import { GraphDirectory } from './directory.js';
import type { Sender } from './directory.js';
import {
  Pacer,
  PUBLISHED_WRITE_LIMIT,
  RESOURCE_UNIT_WINDOW_MS,
  RESOURCE_UNITS_BY_TENANT_SIZE,
} from './pacer.js';
import type { PacerStats, TenantSize } from './pacer.js';
import { RequestPath } from './request-path.js';
import type { GraphCall, GraphReply } from './request-path.js';
import { userCountSchema } from './schemas.js';
import { gatewaySettingsSchema } from './settings.js';
import type { GatewaySettingsInput } from './settings.js';
import { realClock } from './timing.js';
import type { GraphClock } from './timing.js';
import { Transport } from './transport.js';

export { gatewaySettingsSchema } from './settings.js';
export type { GatewaySettings, GatewaySettingsInput } from './settings.js';

export interface GatewayDependencies {
  /** Graph's clock (the sandbox clock when testing against a time-scaled sandbox); default: real time. */
  clock?: GraphClock;
  /** Source of jitter, in [0, 1); default Math.random. */
  random?: () => number;
}

/** The gateway plus what benchmarks want to see of its pacing. */
export interface GraphGateway extends M365Gateway {
  pacingStats(): PacerStats;
}

/** S < 50 users, M up to 500, L above (graph-behaviour §7). */
export function tenantSizeFor(userCount: number): TenantSize {
  if (userCount < 50) return 'S';
  return userCount <= 500 ? 'M' : 'L';
}

/** What every directory view shares: one request path, and the dry-run guard in front of it. */
class GatewayCore {
  private sizing: Promise<void> | null = null;

  constructor(
    private readonly path: RequestPath,
    private readonly pacer: Pacer,
    private readonly detectSize: boolean,
    readonly graphBaseUrl: string,
  ) {}

  /**
   * The single request path of a view. With a dry-run log, every request but GET is recorded and refused
   * before anything else happens, and nothing is batched (a $batch envelope is a POST on the wire).
   */
  sender(dryRunLog: WouldSend[] | null): Sender {
    return async (call: GraphCall, trace?: RequestTrace): Promise<GraphReply> => {
      if (dryRunLog !== null && call.method !== 'GET') {
        const path = call.path.split('?')[0] ?? call.path;
        dryRunLog.push({ method: call.method, path });
        throw new DryRunWriteError(call.method, path);
      }
      await this.tenantSizeKnown();
      return this.path.send(call, trace, dryRunLog === null);
    };
  }

  stats(): PacerStats {
    return this.pacer.stats();
  }

  /** Once per gateway: GET /users/$count (1 RU) sets the RU budget; on any failure the S budget stays. */
  private tenantSizeKnown(): Promise<void> {
    if (!this.detectSize) return Promise.resolve();
    this.sizing ??= this.path
      .send(
        {
          method: 'GET',
          path: '/users/$count',
          headers: { ConsistencyLevel: 'eventual' },
          batchable: false,
          onAmbiguous: 'retry',
          context: { operation: 'count users', subject: 'the tenant' },
        },
        undefined,
        false,
      )
      .then((reply) => {
        const count = userCountSchema.safeParse(reply.body);
        if (count.success)
          this.pacer.setResourceUnitLimit(RESOURCE_UNITS_BY_TENANT_SIZE[tenantSizeFor(count.data)]);
      })
      .catch(() => undefined);
    return this.sizing;
  }
}

class DryRunDirectory extends GraphDirectory {
  constructor(
    core: GatewayCore,
    private readonly log: WouldSend[],
  ) {
    super(core.sender(log), core.graphBaseUrl);
  }

  wouldSend(): WouldSend[] {
    return this.log.map((entry) => ({ ...entry }));
  }
}

class M365GraphGateway extends GraphDirectory implements GraphGateway {
  constructor(private readonly core: GatewayCore) {
    super(core.sender(null), core.graphBaseUrl);
  }

  dryRun(): M365Directory & { wouldSend(): WouldSend[] } {
    return new DryRunDirectory(this.core, []);
  }

  pacingStats(): PacerStats {
    return this.core.stats();
  }
}

/**
 * The one Graph gateway (M365Gateway): msal-node client credentials, one graph-client without the SDK's retry
 * handler, client-side pacing, auto-batching, retries and error translation. See request-path.ts for the retry
 * rules, pacer.ts for pacing, batcher.ts for batching and errors.ts for the error mapping.
 */
export function createM365Gateway(input: GatewaySettingsInput, deps: GatewayDependencies = {}): GraphGateway {
  const settings = gatewaySettingsSchema.parse(input);
  const clock = deps.clock ?? realClock;
  const random = deps.random ?? Math.random;
  const { limits, batching, connection } = settings;
  // The gateway owns retries and pacing; the SDK's RetryHandler would retry behind its back.
  const handle = createGraphClient(connection, { retry: false, clock });
  const initialSize = limits.tenantSize === 'auto' ? 'S' : limits.tenantSize;
  const pacer = new Pacer(
    {
      ...PUBLISHED_WRITE_LIMIT,
      resourceUnitsPerWindow: RESOURCE_UNITS_BY_TENANT_SIZE[initialSize],
      resourceUnitWindowMs: RESOURCE_UNIT_WINDOW_MS,
      safetyMargin: limits.safetyMargin,
    },
    clock,
    random,
  );
  const transport = new Transport(handle.client, limits.maxConcurrentRequests);
  const batcher = batching.enabled
    ? new Batcher(transport, { windowMs: batching.windowMs, maxItems: batching.maxItems })
    : null;
  const path = new RequestPath({ tokens: handle.tokens, pacer, transport, batcher, clock, random, limits });
  return new M365GraphGateway(
    new GatewayCore(path, pacer, limits.tenantSize === 'auto', connection.graphBaseUrl),
  );
}
