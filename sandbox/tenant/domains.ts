import type { SandboxDomain } from '../model.js';
import type { SandboxOptions } from '../options.js';

/**
 * The tenant's verified domains: the custom domains from the options (the first is the default) and the
 * initial `*.onmicrosoft.com` domain. In partner-managed mode the custom domains are federated to the
 * partner's identity provider (graph-behaviour §11); the initial domain always stays managed.
 */
export function buildDomains(
  options: Pick<SandboxOptions, 'domains' | 'initialDomain' | 'partnerManaged'>,
): SandboxDomain[] {
  const initial = options.initialDomain.toLowerCase();
  const custom = [...new Set(options.domains.map((domain) => domain.toLowerCase()))].filter(
    (d) => d !== initial,
  );
  const customDomains = custom.map((id, index): SandboxDomain => ({
    id,
    authenticationType: options.partnerManaged ? 'Federated' : 'Managed',
    isDefault: index === 0,
    isInitial: false,
    isVerified: true,
    // Federated domains take their password policy from the IdP, so Graph reports no validity period.
    passwordValidityPeriodInDays: options.partnerManaged ? null : 2147483647,
    passwordNotificationWindowInDays: options.partnerManaged ? null : 14,
    supportedServices: ['Email', 'OfficeCommunicationsOnline'],
  }));
  const initialDomain: SandboxDomain = {
    id: initial,
    authenticationType: 'Managed',
    isDefault: customDomains.length === 0,
    isInitial: true,
    isVerified: true,
    passwordValidityPeriodInDays: 2147483647,
    passwordNotificationWindowInDays: 14,
    supportedServices: ['Email', 'OfficeCommunicationsOnline'],
  };
  return [...customDomains, initialDomain];
}

/** 'contoso.onmicrosoft.com' → 'Contoso': the organisation's display name and a banned-password term. */
export function tenantDisplayName(initialDomain: string): string {
  const label = initialDomain.split('.')[0] ?? initialDomain;
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** The partner's identity provider for federated domains (GoDaddy-style; URIs are illustrative). */
export function partnerFederation(domainId: string): Record<string, unknown> {
  return {
    id: `${domainId}-federation`,
    displayName: 'GoDaddy',
    issuerUri: `urn:godaddy:${domainId}`,
    metadataExchangeUri: 'https://sso.godaddy.com/federationmetadata/2007-06/federationmetadata.xml',
    signingCertificate: 'MIIC8DCCAdigAwIBAgIQSANDBOXSIGNINGCERT',
    passiveSignInUri: 'https://sso.godaddy.com/wsfed/login',
    activeSignInUri: 'https://sso.godaddy.com/wsfed/active',
    signOutUri: 'https://sso.godaddy.com/wsfed/logout',
    preferredAuthenticationProtocol: 'wsFed',
    federatedIdpMfaBehavior: 'acceptIfMfaDoneByFederatedIdp',
    promptLoginBehavior: 'nativeSupport',
    isSignedAuthenticationRequestRequired: null,
    nextSigningCertificate: null,
    signingCertificateUpdateStatus: null,
  };
}
