import { describe, expect, it } from '@jest/globals';
import { AuthError } from '@azure/msal-node';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import {
  AddressHeldError,
  GraphAuthenticationError,
  GraphPermissionError,
  GraphRejectedInputError,
  GraphThrottledError,
  GraphUnavailableError,
  GraphUnexpectedResponseError,
  LicenceUnavailableError,
  M365UserNotFoundError,
  OnPremisesMasteredError,
  UpnConflictError,
} from '../../commands/errors.js';
import {
  failureFromGraphError,
  requestIdOf,
  retryAfterMs,
  translateFailure,
  translateTokenError,
} from '../../graph/errors.js';
import { parseResponse } from '../../graph/schemas.js';
import type { GraphFailure } from '../../graph/errors.js';

const context = {
  operation: 'create users',
  subject: 'alice@contoso.com',
  sku: 'sku-1',
  attributes: ['jobTitle'],
};

function failure(
  status: number | undefined,
  code?: string,
  message?: string,
  extra: Partial<GraphFailure> = {},
): GraphFailure {
  const body =
    code === undefined
      ? undefined
      : { error: { code, message: message ?? '', innerError: { 'request-id': 'item-id' } } };
  return { status, headers: {}, body, requestIds: ['r1'], ...extra };
}

describe('translateFailure', () => {
  it.each([
    [
      '429',
      failure(429, 'TooManyRequests', 'Please retry again later.', { headers: { 'retry-after': '0.249' } }),
      GraphThrottledError,
    ],
    ['503', failure(503, 'serviceNotAvailable'), GraphUnavailableError],
    ['504', failure(504, 'gatewayTimeout'), GraphUnavailableError],
    ['no response', failure(undefined), GraphUnavailableError],
    [
      '401',
      failure(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'),
      GraphAuthenticationError,
    ],
    [
      '403',
      failure(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
      GraphPermissionError,
    ],
    ['404', failure(404, 'Request_ResourceNotFound', "Resource 'x' does not exist"), M365UserNotFoundError],
    [
      'UPN ObjectConflict',
      {
        ...failure(400),
        body: {
          error: {
            code: 'Request_BadRequest',
            message: 'Another object with the same value for property userPrincipalName already exists.',
            details: [{ code: 'ObjectConflict', target: 'userPrincipalName' }],
          },
        },
      },
      UpnConflictError,
    ],
    [
      'proxyAddresses conflict',
      failure(
        400,
        'Request_BadRequest',
        'Another object with the same value for property proxyAddresses already exists.',
      ),
      AddressHeldError,
    ],
    [
      'on-premises mastered',
      failure(
        400,
        'Request_BadRequest',
        'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
      ),
      OnPremisesMasteredError,
    ],
    [
      'usage location',
      failure(
        400,
        'Request_BadRequest',
        'License assignment cannot be done for user with invalid usage location.',
      ),
      LicenceUnavailableError,
    ],
    [
      'weak password',
      failure(
        400,
        'Request_BadRequest',
        'The specified password does not comply with password complexity requirements.',
      ),
      GraphRejectedInputError,
    ],
    ['other 400 code', failure(400, 'BadRequest', 'Invalid filter clause'), GraphRejectedInputError],
  ])('maps %s to its taxonomy class', (_name, input, expected) => {
    const error = translateFailure(input, context);
    expect(error).toBeInstanceOf(expected);
    expect(error.requestIds).toEqual(['r1']);
  });

  it('reads a fractional Retry-After into milliseconds and keeps the throttle scope', () => {
    const error = translateFailure(
      failure(429, 'TooManyRequests', '', {
        headers: { 'retry-after': '0.249', 'x-ms-throttle-scope': 'Tenant_Application/Write/a/t' },
      }),
      context,
    );
    expect(error).toMatchObject({
      retryAfterMs: 249,
      scope: 'Tenant_Application/Write/a/t',
      policy: 'retry',
    });
  });

  it.each([
    ['License assignment cannot be done for user with invalid usage location.', 'no-usage-location'],
    ['License 1234 does not correspond to a valid company License.', 'unknown-sku'],
    ['Subscription with SKU 1234 does not have any available licenses.', 'no-free-seats'],
  ])('tells licence problems apart by their documented text: %s', (message, problem) => {
    const error = translateFailure(failure(400, 'Request_BadRequest', message), context);
    expect(error).toMatchObject({ problem, sku: 'sku-1', subject: 'alice@contoso.com' });
  });

  it('names the attributes an on-premises mastered user refused', () => {
    const error = translateFailure(
      failure(400, 'Request_BadRequest', 'on-premises mastered Directory Sync objects'),
      context,
    );
    expect(error).toMatchObject({ attributes: ['jobTitle'], email: 'alice@contoso.com' });
  });

  it("keeps Graph's own message for other rejections", () => {
    const error = translateFailure(
      failure(400, 'Request_BadRequest', 'Property userPrincipalName is invalid.'),
      context,
    );
    expect(error.message).toContain('Property userPrincipalName is invalid.');
  });

  it('leaves retryAt of a held address to the engine', () => {
    const error = translateFailure(
      failure(400, 'Request_BadRequest', 'same value for property proxyAddresses'),
      context,
    );
    expect(error).toMatchObject({ email: 'alice@contoso.com', retryAt: undefined });
  });
});

describe('helpers', () => {
  it('takes request-id from the header, else from the error body (batch items carry no header)', () => {
    expect(requestIdOf({ 'request-id': 'h' }, undefined)).toBe('h');
    expect(requestIdOf({}, { error: { innerError: { 'request-id': 'b' } } })).toBe('b');
    expect(requestIdOf({}, { error: { innererror: { 'request-id': 'c' } } })).toBe('c');
  });

  it('reads Retry-After seconds, fractional or whole', () => {
    expect(retryAfterMs({ 'retry-after': '2' })).toBe(2000);
    expect(retryAfterMs({ 'retry-after': '0.001' })).toBe(1);
    expect(retryAfterMs({})).toBeUndefined();
  });

  it("translates graph-client's GraphError: an HTTP error keeps status and code, a network failure has no status", () => {
    const http = new GraphError(403, 'Insufficient privileges to complete the operation.');
    http.code = 'Authorization_RequestDenied';
    http.body = JSON.stringify({
      code: 'Authorization_RequestDenied',
      message: 'x',
      innerError: { 'request-id': 'q' },
    });
    const fromHttp = failureFromGraphError(http);
    expect(fromHttp).toMatchObject({ status: 403, requestIds: ['q'] });
    expect(translateFailure(fromHttp, context)).toBeInstanceOf(GraphPermissionError);

    const network = new GraphError(-1, '', new TypeError('fetch failed'));
    network.code = 'TypeError';
    network.body = 'TypeError: fetch failed';
    const fromNetwork = failureFromGraphError(network);
    expect(fromNetwork.status).toBeUndefined();
    expect(translateFailure(fromNetwork, context)).toBeInstanceOf(GraphUnavailableError);
  });
});

describe('token endpoint failures', () => {
  it('a refused credential stops the run; an unreachable token endpoint is transient', () => {
    const refused = translateTokenError(
      new AuthError('invalid_client', 'corr-1', 'AADSTS7000215: Invalid client secret provided. Trace ID: x'),
    );
    expect(refused).toBeInstanceOf(GraphAuthenticationError);
    expect(refused.message).toContain('invalid_client, AADSTS7000215');
    expect(refused.message).not.toContain('Trace ID');
    expect(translateTokenError(new AuthError('network_error', 'corr-2', 'fetch failed'))).toBeInstanceOf(
      GraphUnavailableError,
    );
  });
});

describe('parseResponse', () => {
  it('refuses a body without the documented shape, naming the field but never its value', () => {
    const schema = z.object({ value: z.array(z.object({ id: z.string() })) });
    let caught: unknown;
    try {
      parseResponse(schema, { value: [{ id: 42, secret: 'do-not-print' }] }, 'read users');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GraphUnexpectedResponseError);
    expect(caught).toMatchObject({ operation: 'read users', policy: 'stop-run' });
    expect((caught as Error).message).toContain('value.0.id');
    expect(JSON.stringify(caught)).not.toContain('42');
  });
});
