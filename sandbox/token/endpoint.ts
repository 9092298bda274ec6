import type { SandboxClock } from '../clock.js';
import type { GraphResponse } from '../graph-types.js';
import { AAD_ERRORS, aadErrorResponse } from './aad-errors.js';
import type { AadError } from './aad-errors.js';
import type { SigningKeys } from './keys.js';
import { GRAPH_AUDIENCE } from './service.js';
import type { TokenService } from './service.js';

/** A request to the sandbox's identity platform (login.microsoftonline.com stand-in). */
export interface IdentityRequest {
  method: string;
  pathname: string;
  headers: Record<string, string>;
  rawBody: string;
}

export interface IdentityEndpointSettings {
  /** 'http://127.0.0.1:P' (no trailing slash). */
  idpBase: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Names the tenant may be addressed by besides its id (its domains), lower-case. */
  tenantAliases: readonly string[];
}

/** The OpenID configuration MSAL reads (also passed inline as `authorityMetadata`, builder-notes §3). */
export function openIdConfiguration(idpBase: string, tenantId: string): Record<string, unknown> {
  const tenantBase = `${idpBase}/${tenantId}`;
  return {
    token_endpoint: `${tenantBase}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${tenantBase}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${tenantBase}/v2.0`,
    authorization_endpoint: `${tenantBase}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${tenantBase}/oauth2/v2.0/logout`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    msgraph_host: 'graph.microsoft.com',
  };
}

const PATHS = {
  token: /^\/([^/]+)\/oauth2\/v2\.0\/token$/,
  openId: /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/,
  keys: /^\/([^/]+)\/discovery\/v2\.0\/keys$/,
};

const GRAPH_RESOURCES = new Set([
  GRAPH_AUDIENCE,
  `${GRAPH_AUDIENCE}/`,
  '00000003-0000-0000-c000-000000000000',
]);

/** Serves token, OpenID configuration and JWKS requests; null when the path is not an identity path. */
export class IdentityEndpoint {
  constructor(
    private readonly settings: IdentityEndpointSettings,
    private readonly tokens: TokenService,
    private readonly keys: SigningKeys,
    private readonly clock: SandboxClock,
  ) {}

  async handle(request: IdentityRequest): Promise<GraphResponse | null> {
    const tokenMatch = PATHS.token.exec(request.pathname);
    if (tokenMatch && request.method === 'POST')
      return this.token(request, decodeURIComponent(tokenMatch[1] ?? ''));
    const openIdMatch = PATHS.openId.exec(request.pathname);
    if (openIdMatch && request.method === 'GET') {
      return this.knownTenant(openIdMatch[1] ?? '')
        ? json(200, openIdConfiguration(this.settings.idpBase, this.settings.tenantId))
        : this.fail(AAD_ERRORS.tenantNotFound(openIdMatch[1] ?? ''), request);
    }
    if (PATHS.keys.test(request.pathname) && request.method === 'GET') return json(200, this.keys.jwks);
    return null;
  }

  private async token(request: IdentityRequest, tenant: string): Promise<GraphResponse> {
    const failure = this.checkTokenRequest(new URLSearchParams(request.rawBody), request.headers, tenant);
    if (failure) return this.fail(failure, request);
    const { accessToken, expiresIn } = await this.tokens.issue();
    return json(200, {
      token_type: 'Bearer',
      expires_in: expiresIn,
      ext_expires_in: expiresIn,
      access_token: accessToken,
    });
  }

  /** Client-credentials checks in Entra's order: tenant, grant, client, credential, scope. */
  private checkTokenRequest(
    form: URLSearchParams,
    headers: Record<string, string>,
    tenant: string,
  ): AadError | null {
    if (!this.knownTenant(tenant)) return AAD_ERRORS.tenantNotFound(tenant);
    const grant = form.get('grant_type');
    if (grant === null) return AAD_ERRORS.missingParameter('grant_type');
    if (grant !== 'client_credentials') return AAD_ERRORS.unsupportedGrant(grant);
    const basic = basicCredentials(headers['authorization']);
    const clientId = form.get('client_id') ?? basic?.clientId ?? null;
    if (clientId === null) return AAD_ERRORS.missingParameter('client_id');
    if (clientId.toLowerCase() !== this.settings.clientId.toLowerCase())
      return AAD_ERRORS.unknownClient(clientId, tenant);
    const credentialFailure = this.checkCredential(form, basic?.secret);
    if (credentialFailure) return credentialFailure;
    return this.checkScope(form.get('scope'), tenant);
  }

  private checkCredential(form: URLSearchParams, basicSecret: string | undefined): AadError | null {
    if (form.has('client_assertion')) return AAD_ERRORS.unknownCertificate(this.settings.clientId);
    const secret = form.get('client_secret') ?? basicSecret;
    if (secret === undefined) return AAD_ERRORS.missingCredential();
    return secret === this.settings.clientSecret ? null : AAD_ERRORS.invalidSecret(this.settings.clientId);
  }

  private checkScope(scope: string | null, tenant: string): AadError | null {
    if (scope === null || scope.trim() === '') return AAD_ERRORS.missingParameter('scope');
    const scopes = scope.trim().split(/\s+/);
    if (scopes.length !== 1) return AAD_ERRORS.invalidScope(scope);
    const only = scopes[0] ?? '';
    if (!only.endsWith('/.default')) return AAD_ERRORS.scopeNotDefault(only);
    const resource = only.slice(0, -'/.default'.length);
    return GRAPH_RESOURCES.has(resource) ? null : AAD_ERRORS.unknownResource(resource, tenant);
  }

  private knownTenant(tenant: string): boolean {
    const lower = tenant.toLowerCase();
    return lower === this.settings.tenantId.toLowerCase() || this.settings.tenantAliases.includes(lower);
  }

  private fail(failure: AadError, request: IdentityRequest): GraphResponse {
    return aadErrorResponse(failure, this.clock.now(), request.headers['client-request-id']);
  }
}

function json(status: number, body: unknown): GraphResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body };
}

/** RFC 6749 §2.3.1: HTTP Basic with form-urlencoded client id and secret. */
function basicCredentials(header: string | undefined): { clientId: string; secret: string } | undefined {
  const encoded = /^Basic\s+(.+)$/i.exec(header ?? '')?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const decode = (part: string): string => decodeURIComponent(part.replace(/\+/g, ' '));
  try {
    return { clientId: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}
