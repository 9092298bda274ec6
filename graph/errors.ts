import { AuthError } from '@azure/msal-node';
import type { GraphError } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import {
  AddressHeldError,
  GraphAuthenticationError,
  GraphPermissionError,
  GraphRejectedInputError,
  GraphThrottledError,
  GraphUnavailableError,
  LicenceUnavailableError,
  M365UserNotFoundError,
  OnPremisesMasteredError,
  UpnConflictError,
} from '../commands/errors.js';
import type { DomainError, LicenceProblem } from '../commands/errors.js';

/**
 * The one translation of Graph's failures into the error taxonomy (commands/errors.ts). Input comes from three
 * places, normalised to a GraphFailure first: a top-level response, a $batch item response, and graph-client's
 * GraphError (which the gateway only sees for failures without a response). MSAL's token errors are translated
 * here too. Classification is by HTTP status and error code; only where Entra reuses `Request_BadRequest` for
 * many causes is the documented message text read (graph-behaviour §3 table, §5 licence texts).
 */
export interface GraphFailure {
  /** HTTP status; undefined when no response arrived (connection refused or reset, body cut off). */
  status: number | undefined;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string>>;
  body: unknown;
  /** Graph request-ids seen for this call so far. */
  requestIds: readonly string[];
  cause?: unknown;
}

/** What the failed call was doing, for plain-language messages. */
export interface FailureContext {
  /** Completes "Microsoft 365 refused to …", e.g. 'create users'. */
  operation: string;
  /** The user (email, UPN or object id) or object the call was about. */
  subject: string;
  /** For assignLicense: the SKU being assigned. */
  sku?: string;
  /** For a PATCH: the attributes it tried to write. */
  attributes?: readonly string[];
}

const errorDetailSchema = z
  .object({ code: z.string().optional(), message: z.string().optional(), target: z.string().optional() })
  .loose();
const innerErrorSchema = z.object({ 'request-id': z.string().optional() }).loose();
const errorBodySchema = z.object({
  error: z
    .object({
      code: z.string().optional(),
      message: z.string().optional(),
      details: z.array(errorDetailSchema).optional(),
      // Live bodies say innerError; the schema text says innererror (graph-behaviour §0): accept both.
      innerError: innerErrorSchema.optional(),
      innererror: innerErrorSchema.optional(),
    })
    .loose(),
});
type ErrorBody = z.infer<typeof errorBodySchema>['error'];

function errorBody(body: unknown): ErrorBody | undefined {
  const parsed = errorBodySchema.safeParse(body);
  return parsed.success ? parsed.data.error : undefined;
}

export function lowerCaseHeaders(
  headers: Headers | Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  if (headers === undefined) return result;
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  for (const [name, value] of entries) result[name.toLowerCase()] = value;
  return result;
}

/** The request-id of a response: the header, else the error body's innerError (batch items carry no header). */
export function requestIdOf(headers: Readonly<Record<string, string>>, body: unknown): string | undefined {
  const header = headers['request-id'];
  if (header !== undefined && header !== '') return header;
  const error = errorBody(body);
  return error?.innerError?.['request-id'] ?? error?.innererror?.['request-id'];
}

/** Retry-After in milliseconds; Graph sends seconds, sometimes fractional (`0.249`, graph-behaviour §6). */
export function retryAfterMs(headers: Readonly<Record<string, string>>): number | undefined {
  const value = headers['retry-after'];
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value); // the HTTP-date form
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * graph-client's GraphError as a GraphFailure. Its `body` is the JSON of the error member for HTTP errors and
 * the text of a native error (e.g. "TypeError: fetch failed") when no response came, which is how the two
 * are told apart.
 */
export function failureFromGraphError(error: GraphError, requestIds: readonly string[] = []): GraphFailure {
  const headers = lowerCaseHeaders(error.headers);
  let parsed: unknown;
  try {
    parsed = typeof error.body === 'string' ? (JSON.parse(error.body) as unknown) : undefined;
  } catch {
    parsed = undefined;
  }
  const body = { error: parsed };
  const isHttpError = error.statusCode > 0 && errorBody(body)?.code !== undefined;
  if (!isHttpError) return { status: undefined, headers, body: undefined, requestIds, cause: error };
  const id = requestIdOf(headers, body) ?? error.requestId ?? undefined;
  return { status: error.statusCode, headers, body, requestIds: id ? [...requestIds, id] : requestIds };
}

const LICENCE_TEXTS: readonly (readonly [RegExp, LicenceProblem])[] = [
  [/invalid usage location/i, 'no-usage-location'],
  [/does not correspond to a valid company license/i, 'unknown-sku'],
  [/does not have any available licenses/i, 'no-free-seats'],
];

/** 400 Request_BadRequest: the causes Entra distinguishes only by details and documented text. */
function translateBadRequest(error: ErrorBody, context: FailureContext): DomainError | undefined {
  const message = error.message ?? '';
  const conflictOn = (property: string): boolean =>
    (error.details ?? []).some((detail) => detail.code === 'ObjectConflict' && detail.target === property) ||
    new RegExp(`same value for property ${property}\\b`, 'i').test(message);
  if (conflictOn('userPrincipalName')) return new UpnConflictError(context.subject);
  // The engine decides when to retry; the gateway only knows the address is held.
  if (conflictOn('proxyAddresses')) return new AddressHeldError(context.subject, undefined);
  if (/on-premises mastered/i.test(message)) {
    return new OnPremisesMasteredError(context.subject, [...(context.attributes ?? [])]);
  }
  const licence = LICENCE_TEXTS.find(([pattern]) => pattern.test(message));
  if (licence) return new LicenceUnavailableError(context.subject, context.sku ?? 'unknown', licence[1]);
  return undefined;
}

function translateStatus(failure: GraphFailure, context: FailureContext): DomainError {
  const { status, headers } = failure;
  const error = errorBody(failure.body);
  if (status === undefined) return new GraphUnavailableError(undefined, undefined, { cause: failure.cause });
  if (status === 429) {
    return new GraphThrottledError(
      retryAfterMs(headers) ?? DEFAULT_THROTTLE_WAIT_MS,
      headers['x-ms-throttle-scope'],
    );
  }
  if (status === 401)
    return new GraphAuthenticationError(`Graph rejected the access token: ${error?.message ?? 'HTTP 401'}`);
  if (status === 403) return new GraphPermissionError(context.operation);
  if (status === 404) return new M365UserNotFoundError(context.subject);
  if (status >= 500) return new GraphUnavailableError(status, retryAfterMs(headers));
  if (status === 400 && error?.code === 'Request_BadRequest') {
    const specific = translateBadRequest(error, context);
    if (specific) return specific;
  }
  return new GraphRejectedInputError(context.subject, error?.message ?? `HTTP ${status}`);
}

/** Retry-After is optional on a 429; without one, wait this long (Graph: back off and try again). */
export const DEFAULT_THROTTLE_WAIT_MS = 1_000;

export function translateFailure(failure: GraphFailure, context: FailureContext): DomainError {
  const translated = translateStatus(failure, context);
  translated.requestIds = [...failure.requestIds];
  return translated;
}

/** Codes of MSAL errors that mean "the token endpoint could not be reached", not "the credential is bad". */
const TOKEN_NETWORK_CODES = new Set([
  'network_error',
  'endpoints_resolution_error',
  'temporarily_unavailable',
]);

/**
 * MSAL's failures to get a token. invalid_client (wrong secret, unknown certificate), unauthorized_client,
 * invalid_scope and the like stop the run; an unreachable token endpoint is transient. Only the error code and
 * AADSTS number are kept: the description may quote request data.
 */
export function translateTokenError(error: unknown): DomainError {
  if (error instanceof AuthError) {
    if (TOKEN_NETWORK_CODES.has(error.errorCode))
      return new GraphUnavailableError(undefined, undefined, { cause: error });
    const aadsts = /AADSTS(\d+)/.exec(error.errorMessage)?.[1];
    return new GraphAuthenticationError(
      `the token endpoint answered ${error.errorCode}${aadsts ? `, AADSTS${aadsts}` : ''}`,
    );
  }
  return new GraphAuthenticationError('no access token could be obtained');
}
