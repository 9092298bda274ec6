import type { GraphResponse } from '../graph-types.js';
import type { SandboxDomain, SandboxSku } from '../model.js';
import { stableGuid } from '../token/service.js';
import { GraphFailure } from '../tenant/failure.js';
import { partnerFederation } from '../tenant/domains.js';
import type { RouteContext } from './context.js';
import { jsonResponse } from './context.js';
import { REQUIREMENTS, requirePermission } from './permissions.js';

/** GET /organization (graph-behaviour §11): verifiedDomains show Managed/Federated per domain. */
export function organizationRoute(context: RouteContext): GraphResponse {
  requirePermission(context.roles, REQUIREMENTS.readOrganization);
  const { options, store, writer, graphBase } = context.tenant;
  const organization = {
    id: options.tenantId,
    displayName: writer.tenantName,
    tenantType: 'AAD',
    countryLetterCode: 'US',
    preferredLanguage: 'en',
    createdDateTime: '2021-03-01T09:00:00Z',
    onPremisesSyncEnabled: context.tenant.hasSyncedUsers ? true : null,
    onPremisesLastSyncDateTime: null,
    businessPhones: [],
    technicalNotificationMails: [],
    assignedPlans: [],
    verifiedDomains: store.domains.map((domain) => ({
      name: domain.id,
      type: domain.authenticationType,
      isDefault: domain.isDefault,
      isInitial: domain.isInitial,
      capabilities: domain.supportedServices.join(', '),
    })),
  };
  const id = context.segments[1];
  if (id !== undefined) {
    if (id.toLowerCase() !== options.tenantId.toLowerCase()) throw notFound(id);
    return jsonResponse(200, {
      '@odata.context': `${graphBase}v1.0/$metadata#organization/$entity`,
      ...organization,
    });
  }
  return jsonResponse(200, {
    '@odata.context': `${graphBase}v1.0/$metadata#organization`,
    value: [organization],
  });
}

/** GET /domains and /domains/{id}. */
export function domainsRoute(context: RouteContext): GraphResponse {
  requirePermission(context.roles, REQUIREMENTS.readDomains);
  const { graphBase } = context.tenant;
  const id = context.segments[1];
  if (id === undefined) {
    return jsonResponse(200, {
      '@odata.context': `${graphBase}v1.0/$metadata#domains`,
      value: context.tenant.store.domains.map(domainJson),
    });
  }
  return jsonResponse(200, {
    '@odata.context': `${graphBase}v1.0/$metadata#domains/$entity`,
    ...domainJson(findDomain(context, id)),
  });
}

/** GET /domains/{id}/federationConfiguration: the partner's IdP for federated domains, empty otherwise. */
export function federationConfigurationRoute(context: RouteContext): GraphResponse {
  requirePermission(context.roles, REQUIREMENTS.readDomains);
  const domain = findDomain(context, context.segments[1] ?? '');
  return jsonResponse(200, {
    '@odata.context': `${context.tenant.graphBase}v1.0/$metadata#domains('${domain.id}')/federationConfiguration`,
    value: domain.authenticationType === 'Federated' ? [partnerFederation(domain.id)] : [],
  });
}

/** GET /subscribedSkus and /subscribedSkus/{tenantId_skuId} (graph-behaviour §5). */
export function subscribedSkusRoute(context: RouteContext): GraphResponse {
  requirePermission(context.roles, REQUIREMENTS.readOrganization);
  const { graphBase, store } = context.tenant;
  const skus = store.licenses.skus.map((sku) => skuJson(context, sku));
  const id = context.segments[1];
  if (id === undefined)
    return jsonResponse(200, { '@odata.context': `${graphBase}v1.0/$metadata#subscribedSkus`, value: skus });
  const sku = skus.find((candidate) => candidate.id.toLowerCase() === id.toLowerCase());
  if (!sku) throw notFound(id);
  return jsonResponse(200, { '@odata.context': `${graphBase}v1.0/$metadata#subscribedSkus/$entity`, ...sku });
}

function skuJson(context: RouteContext, sku: SandboxSku): Record<string, unknown> & { id: string } {
  const { options, store, writer } = context.tenant;
  return {
    accountId: options.tenantId,
    accountName: writer.tenantName,
    appliesTo: 'User',
    capabilityStatus: sku.capabilityStatus,
    consumedUnits: store.licenses.consumedUnits(sku.skuId),
    id: `${options.tenantId}_${sku.skuId}`,
    prepaidUnits: { enabled: sku.enabledUnits, lockedOut: 0, suspended: 0, warning: 0 },
    servicePlans: sku.servicePlans.map((plan) => ({
      ...plan,
      provisioningStatus: 'Success',
      appliesTo: 'User',
    })),
    skuId: sku.skuId,
    skuPartNumber: sku.skuPartNumber,
    subscriptionIds: [stableGuid(`${options.tenantId}/${sku.skuId}/subscription`)],
  };
}

function domainJson(domain: SandboxDomain): Record<string, unknown> {
  return {
    ...domain,
    isAdminManaged: true,
    isRoot: true,
    availabilityStatus: null,
    manufacturer: null,
    model: null,
  };
}

function findDomain(context: RouteContext, id: string): SandboxDomain {
  const domain = context.tenant.store.domains.find((candidate) => candidate.id === id.toLowerCase());
  if (!domain) throw notFound(id);
  return domain;
}

function notFound(key: string): GraphFailure {
  return new GraphFailure(
    404,
    'Request_ResourceNotFound',
    `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
  );
}
