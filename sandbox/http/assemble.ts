import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxClock } from '../clock.js';
import { FaultInjector } from '../faults.js';
import { Inspection } from '../inspection.js';
import type { FaultOptions, SandboxOptions, TenantSize } from '../options.js';
import { TENANT_SIZES } from '../options.js';
import { createRandom } from '../random.js';
import type { TenantServices } from '../routes/context.js';
import { tenantDisplayName } from '../tenant/domains.js';
import type { TenantStore } from '../tenant/store.js';
import { ThrottleLimiter } from '../throttle/limiter.js';
import { IdentityEndpoint } from '../token/endpoint.js';
import type { SigningKeys } from '../token/keys.js';
import { TokenService } from '../token/service.js';
import { createRequestHandler } from './node-handler.js';
import { GraphPipeline } from './pipeline.js';

/** S < 50 users, M 50–500, L above (graph-behaviour §7), counted at the moment of the request. */
export function tenantSizeFor(userCount: number): TenantSize {
  if (userCount <= TENANT_SIZES.S.maxUsers) return 'S';
  return userCount <= TENANT_SIZES.M.maxUsers ? 'M' : 'L';
}

export interface AssemblyInput {
  options: SandboxOptions;
  clock: SandboxClock;
  store: TenantStore;
  keys: SigningKeys;
  /** '127.0.0.1:P' the server listens on. */
  host: string;
  hasSyncedUsers: boolean;
}

export interface Assembly {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  inspection: Inspection;
  setFaults: (partial: Partial<FaultOptions>) => FaultOptions;
  revokeTokens: () => void;
}

/** Wires token service, identity endpoint, limiter, faults, routes and inspection into one request handler. */
export function assembleSandbox(input: AssemblyInput): Assembly {
  const { options, clock, store, keys, host } = input;
  const tokens = new TokenService(keys, clock, {
    tenantId: options.tenantId,
    clientId: options.clientId,
    lifetimeSeconds: options.tokenLifetimeSeconds,
    roles: options.grantedPermissions,
  });
  const identitySettings = {
    idpBase: `http://${host}`,
    tenantId: options.tenantId,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    tenantAliases: store.domains.map((domain) => domain.id),
  };
  const identity = new IdentityEndpoint(identitySettings, tokens, keys, clock);
  const limiter = new ThrottleLimiter({
    clock,
    enabled: options.throttling === 'published',
    appId: options.clientId,
    tenantId: options.tenantId,
    tenantSize: () => tenantSizeFor(store.userCount),
  });
  const faults = new FaultInjector(options.faults, createRandom(options.seed ^ 0xfa017));
  const inspection = new Inspection(store, limiter);
  const tenant: TenantServices = {
    store,
    clock,
    options,
    writer: { store, clock, tenantName: tenantDisplayName(options.initialDomain) },
    graphBase: `http://${host}/`,
    hasSyncedUsers: input.hasSyncedUsers,
    recordMail: (mail) => {
      inspection.recordMail(mail);
    },
  };
  const recordRequest = inspection.recordRequest.bind(inspection);
  const pipeline = new GraphPipeline({ clock, tokens, faults, limiter, tenant, recordRequest });
  const setFaults = (partial: Partial<FaultOptions>): FaultOptions => faults.update(partial);
  const revokeTokens = (): void => {
    tokens.revokeAll();
  };
  const controls = options.exposeInspection ? { inspection, clock, setFaults, revokeTokens } : null;
  const handler = createRequestHandler({ clock, identity, pipeline, controls });
  return { handler, inspection, setFaults, revokeTokens };
}
