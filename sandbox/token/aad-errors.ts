import { randomUUID } from 'node:crypto';
import type { GraphResponse } from '../graph-types.js';

/** One Entra (AADSTS) error: OAuth error code, HTTP status and the description's first line. */
export interface AadError {
  status: 400 | 401;
  error: string;
  code: number;
  description: string;
}

/** Entra's timestamp format in token errors: 'YYYY-MM-DD HH:MM:SSZ'. */
function aadTimestamp(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/**
 * The token endpoint's error body (graph-behaviour §1): the description carries the AADSTS code, then trace id,
 * correlation id and timestamp on CRLF-separated lines.
 */
export function aadErrorResponse(
  failure: AadError,
  now: number,
  correlationId: string | undefined,
): GraphResponse {
  const traceId = randomUUID();
  const correlation = correlationId ?? randomUUID();
  const timestamp = aadTimestamp(now);
  const description =
    `AADSTS${failure.code}: ${failure.description}\r\nTrace ID: ${traceId}\r\n` +
    `Correlation ID: ${correlation}\r\nTimestamp: ${timestamp}`;
  return {
    status: failure.status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store, no-cache' },
    body: {
      error: failure.error,
      error_description: description,
      error_codes: [failure.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${failure.code}`,
    },
  };
}

// The messages below follow Entra's published AADSTS texts; only 70011 and 7000215 appear in graph-behaviour §1,
// the others are the texts Entra users report [community].
export const AAD_ERRORS = {
  tenantNotFound: (tenant: string): AadError => ({
    status: 400,
    error: 'invalid_request',
    code: 90002,
    description: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
  }),
  unsupportedGrant: (grant: string): AadError => ({
    status: 400,
    error: 'unsupported_grant_type',
    code: 70003,
    description: `The app requested an unsupported grant type '${grant}'.`,
  }),
  missingParameter: (name: string): AadError => ({
    status: 400,
    error: 'invalid_request',
    code: 900144,
    description: `The request body must contain the following parameter: '${name}'.`,
  }),
  unknownClient: (clientId: string, tenant: string): AadError => ({
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    description:
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the ` +
      'application has not been installed by the administrator of the tenant or consented to by any user in the ' +
      'tenant. You may have sent your authentication request to the wrong tenant.',
  }),
  missingCredential: (): AadError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000218,
    description:
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  }),
  invalidSecret: (clientId: string): AadError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    description:
      'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, ' +
      `not the client secret ID, for a secret added to app '${clientId}'.`,
  }),
  /** The sandbox registers no certificate, so every client assertion is refused with Entra's "unknown key" error. */
  unknownCertificate: (clientId: string): AadError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    description: `The certificate with identifier used to sign the client assertion is not registered on application. [AppId: ${clientId}]`,
  }),
  scopeNotDefault: (scope: string): AadError => ({
    status: 400,
    error: 'invalid_scope',
    code: 1002012,
    description:
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with ` +
      '/.default suffixed to the resource identifier (application ID URI).',
  }),
  invalidScope: (scope: string): AadError => ({
    status: 400,
    error: 'invalid_scope',
    code: 70011,
    description:
      "The provided request must include a 'scope' input parameter. The provided value for the input parameter " +
      `'scope' is not valid. The scope ${scope} is not valid.`,
  }),
  unknownResource: (resource: string, tenant: string): AadError => ({
    status: 400,
    error: 'invalid_resource',
    code: 500011,
    description:
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the ` +
      'application has not been installed by the administrator of the tenant or consented to by any user in the tenant.',
  }),
} as const;
