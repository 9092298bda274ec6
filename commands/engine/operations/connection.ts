import { isDomainError, PartnerManagedTenantError } from '../../errors.js';
import { recordTenantEvent } from '../audit.js';
import type { EngineContext } from '../context.js';
import { actorSchema, type Actor, type BindingState, type Connection } from '../model.js';
import type { RequestTrace, TenantInfo } from '../ports.js';

/**
 * The one Microsoft 365 connection: status, connect (refusing partner-managed tenants) and deactivate, which
 * leaves every Microsoft 365 account as it is and clears every binding (the seed).
 */

export interface ConnectionStatus {
  status: 'active' | 'deactivated' | 'never-connected';
  connection: Connection | null;
  bindings: Record<BindingState, number>;
}

export async function connectionStatus(context: EngineContext): Promise<ConnectionStatus> {
  const [connection, bindings] = await Promise.all([
    context.connection.get(),
    context.bindings.countByState(),
  ]);
  return { status: connection?.status ?? 'never-connected', connection, bindings };
}

/**
 * GoDaddy-style syndication: every custom domain is federated to the partner's identity provider, so new
 * users need the partner's immutable ids and passwords live at the partner (graph-behaviour §11). Graph v1.0
 * has no "syndicated tenant" flag (partnerTenantType is beta only), so the domain set is the evidence.
 */
export function partnerFederatedDomains(tenant: TenantInfo): string[] {
  const custom = tenant.domains.filter((domain) => domain.verified && !domain.isInitial);
  if (custom.length === 0 || !custom.every((domain) => domain.federated)) return [];
  return custom.map((domain) => domain.name);
}

export async function connect(context: EngineContext, actorInput: Actor): Promise<Connection> {
  const actor = actorSchema.parse(actorInput);
  const trace: RequestTrace = { requestIds: [] };
  try {
    const tenant = await context.gateway.getTenantInfo(trace);
    const federated = partnerFederatedDomains(tenant);
    if (federated.length > 0) throw new PartnerManagedTenantError(federated);
    const connection = await context.connection.activate(tenant.tenantId, actor);
    await recordTenantEvent(context, {
      actor,
      action: 'connect',
      outcome: 'succeeded',
      parameters: { tenantId: tenant.tenantId },
      graphRequestIds: trace.requestIds,
    });
    return connection;
  } catch (error) {
    if (isDomainError(error)) {
      await recordTenantEvent(context, {
        actor,
        action: 'connect',
        outcome: 'failed',
        graphRequestIds: [...trace.requestIds, ...error.requestIds],
        detail: `${error.code}: ${error.message}`,
      });
    }
    throw error;
  }
}

export interface DeactivateReport {
  /** False when the connection was already deactivated (the clean-up still ran). */
  wasActive: boolean;
  bindingsCleared: number;
}

/**
 * No Microsoft 365 call at all: accounts stay active and functioning (the seed). The connection is marked
 * deactivated first, so no operation starts meanwhile; then every binding's jobs are cancelled and every
 * binding removed. Re-running it finishes an interrupted clean-up.
 */
export async function deactivate(context: EngineContext, actorInput: Actor): Promise<DeactivateReport> {
  const actor = actorSchema.parse(actorInput);
  const previous = await context.connection.deactivate(actor);
  for await (const binding of context.bindings.list()) {
    await context.jobs.cancelPasswordExpiry(binding.userId);
    await context.jobs.cancelAddressReleaseRetry(binding.userId);
  }
  const bindingsCleared = await context.bindings.removeAll();
  await recordTenantEvent(context, {
    actor,
    action: 'deactivate',
    outcome: 'succeeded',
    parameters: { bindingsCleared },
    detail: 'Microsoft 365 accounts left active; every binding cleared (bind users again after reconnecting)',
  });
  return { wasActive: previous !== null, bindingsCleared };
}
