import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { z } from 'zod';
import { createGraphClient } from '../../graph/client.js';
import { graphFailure, openSandbox } from './graph-harness.js';
import type { SandboxHarness } from './graph-harness.js';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const aadErrorSchema = z.object({
  error: z.string(),
  error_description: z.string(),
  error_codes: z.array(z.number()),
  timestamp: z.string(),
  trace_id: z.string(),
  correlation_id: z.string(),
});

let harness: SandboxHarness;
let tokenEndpoint: string;

beforeAll(async () => {
  harness = await openSandbox({ grantedPermissions: ['User.Read.All', 'Mail.Send'] });
  const metadata = z.object({ token_endpoint: z.string(), jwks_uri: z.string(), issuer: z.string() });
  tokenEndpoint = metadata.parse(JSON.parse(harness.connection.authorityMetadata ?? '{}')).token_endpoint;
});
afterAll(async () => {
  await harness.sandbox.close();
});

function tokenRequest(form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

const validForm = (): Record<string, string> => ({
  grant_type: 'client_credentials',
  client_id: harness.connection.clientId,
  client_secret: harness.connection.clientSecret,
  scope: GRAPH_SCOPE,
});

describe('token endpoint (client credentials)', () => {
  it('issues an RS256 app token for Graph with the granted roles and the sandbox-clock lifetime', async () => {
    const token = await harness.graph.getToken();
    const claims = decodeJwt(token);
    expect(claims.aud).toBe('https://graph.microsoft.com');
    expect(claims['tid']).toBe(harness.connection.tenantId);
    expect(claims['appid']).toBe(harness.connection.clientId);
    expect(claims['roles']).toEqual(['User.Read.All', 'Mail.Send']);
    const nowSeconds = Math.floor(harness.sandbox.clock.now() / 1000);
    expect(Math.abs((claims.iat ?? 0) - nowSeconds)).toBeLessThanOrEqual(5);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3599);
  });

  it('answers with the documented token response shape', async () => {
    const response = await tokenRequest(validForm());
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    expect(typeof body['access_token']).toBe('string');
  });

  it('accepts the client secret through HTTP Basic authentication', async () => {
    const { clientId, clientSecret } = harness.connection;
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString(
      'base64',
    );
    const response = await tokenRequest(
      { grant_type: 'client_credentials', scope: GRAPH_SCOPE },
      { authorization: `Basic ${basic}` },
    );
    expect(response.status).toBe(200);
  });

  it('refuses a wrong secret through MSAL with invalid_client AADSTS7000215', async () => {
    const wrong = createGraphClient(
      { ...harness.connection, clientSecret: 'not-the-secret' },
      { retry: false },
    );
    const failure = await wrong.getToken().then(
      () => null,
      (error: unknown) => error as { errorCode?: string; errorMessage?: string },
    );
    expect(failure?.errorCode).toBe('invalid_client');
    expect(failure?.errorMessage).toContain('AADSTS7000215');
  });

  it('answers a wrong secret with 401 and the AADSTS error body', async () => {
    const response = await tokenRequest({ ...validForm(), client_secret: 'wrong' });
    expect(response.status).toBe(401);
    const body = aadErrorSchema.parse(await response.json());
    expect(body.error).toBe('invalid_client');
    expect(body.error_codes).toEqual([7000215]);
    expect(body.error_description).toMatch(
      /^AADSTS7000215: Invalid client secret provided\..*\r\nTrace ID: /s,
    );
    expect(body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
  });

  it('refuses a scope that is not a resource /.default with 400 invalid_scope', async () => {
    const response = await tokenRequest({
      ...validForm(),
      scope: 'https://graph.microsoft.com/User.Read.All',
    });
    expect(response.status).toBe(400);
    expect(aadErrorSchema.parse(await response.json()).error).toBe('invalid_scope');
  });

  it('refuses certificate assertions with an AADSTS invalid_client error (no certificate is registered)', async () => {
    const { client_secret: _secret, ...form } = validForm();
    const response = await tokenRequest({
      ...form,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: 'eyJhbGciOiJSUzI1NiJ9.e30.sig',
    });
    expect(response.status).toBe(401);
    const body = aadErrorSchema.parse(await response.json());
    expect(body.error).toBe('invalid_client');
    expect(body.error_description).toMatch(/^AADSTS700027:/);
  });

  it('refuses an unknown tenant and an unknown client', async () => {
    const otherTenant = tokenEndpoint.replace(harness.connection.tenantId, 'fabrikam.com');
    const tenantResponse = await fetch(otherTenant, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(validForm()).toString(),
    });
    expect(tenantResponse.status).toBe(400);
    expect(aadErrorSchema.parse(await tenantResponse.json()).error_codes).toEqual([90002]);
    const clientResponse = await tokenRequest({
      ...validForm(),
      client_id: '11111111-2222-3333-4444-555555555555',
    });
    expect(aadErrorSchema.parse(await clientResponse.json()).error).toBe('unauthorized_client');
  });

  it('serves the OpenID configuration and a JWKS that verifies its tokens', async () => {
    const base = harness.sandbox.baseUrl;
    const tenantId = harness.connection.tenantId;
    const config = z
      .object({ jwks_uri: z.string(), token_endpoint: z.string() })
      .parse(await (await fetch(`${base}${tenantId}/v2.0/.well-known/openid-configuration`)).json());
    expect(config.token_endpoint).toBe(tokenEndpoint);
    const jwks = (await (await fetch(config.jwks_uri)).json()) as JSONWebKeySet;
    const token = await harness.graph.getToken();
    const verified = await jwtVerify(token, createLocalJWKSet(jwks), {
      audience: 'https://graph.microsoft.com',
      currentDate: new Date(harness.sandbox.clock.now()),
    });
    expect(verified.payload['tid']).toBe(tenantId);
  });
});

describe('access tokens at Graph', () => {
  const usersUrl = (): string => `${harness.sandbox.baseUrl}v1.0/users?$top=1`;

  it('answers a request without a token with 401 "Access token is empty." and the WWW-Authenticate challenge', async () => {
    const response = await fetch(usersUrl());
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
    );
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message: 'Access token is empty.',
    });
  });

  it('refuses a forged token (signed with another key) with 401 InvalidAuthenticationToken', async () => {
    const other = await openSandbox();
    try {
      const foreignToken = await other.graph.getToken();
      const response = await fetch(usersUrl(), { headers: { authorization: `Bearer ${foreignToken}` } });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { code: string } };
      expect(body.error.code).toBe('InvalidAuthenticationToken');
      const garbage = await fetch(usersUrl(), { headers: { authorization: 'Bearer not-a-jwt' } });
      expect(garbage.status).toBe(401);
    } finally {
      await other.sandbox.close();
    }
  });

  it('refuses a token after its lifetime has passed on the sandbox clock', async () => {
    const expiring = await openSandbox({ tokenLifetimeSeconds: 600 });
    try {
      await expiring.graph.client.api('/users').top(1).get();
      expiring.sandbox.clock.advance(601_000);
      const failure = await graphFailure(expiring.graph.client.api('/users').top(1).get());
      expect(failure.status).toBe(401);
      expect(failure.code).toBe('InvalidAuthenticationToken');
      expect(failure.message).toBe('Access token has expired or is not yet valid.');
      expect(failure.headers?.get('www-authenticate')).toContain('Bearer realm=""');
    } finally {
      await expiring.sandbox.close();
    }
  });

  it('refuses revoked tokens, while a newly issued token works', async () => {
    const token = await harness.graph.getToken();
    harness.sandbox.revokeTokens();
    const refused = await fetch(usersUrl(), { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
    const fresh = (await (await tokenRequest(validForm())).json()) as { access_token: string };
    const accepted = await fetch(usersUrl(), { headers: { authorization: `Bearer ${fresh.access_token}` } });
    expect(accepted.status).toBe(200);
  });
});
