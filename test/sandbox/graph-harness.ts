import { GraphError } from '@microsoft/microsoft-graph-client';
import { createGraphClient } from '../../graph/client.js';
import type { GraphClientHandle } from '../../graph/client.js';
import { graphConnectionSchema } from '../../graph/connection.js';
import type { GraphConnection } from '../../graph/connection.js';
import { startSandbox } from '../../sandbox/server.js';
import type { Sandbox } from '../../sandbox/server.js';
import type { SandboxOptionsInput } from '../../sandbox/options.js';

/** A sandbox plus the product's own Graph client (msal-node + graph-client), retries off. */
export interface SandboxHarness {
  sandbox: Sandbox;
  connection: GraphConnection;
  graph: GraphClientHandle;
}

/** Throttling is off unless a test asks for it, so behaviour tests never meet a 429. */
export async function openSandbox(input: SandboxOptionsInput = {}): Promise<SandboxHarness> {
  const sandbox = await startSandbox({ throttling: 'off', ...input });
  const connection = graphConnectionSchema.parse(sandbox.connection());
  return { sandbox, connection, graph: createGraphClient(connection, { retry: false }) };
}

export interface GraphFailureInfo {
  status: number;
  code: string;
  message: string;
  body: Record<string, unknown>;
  headers: Headers | undefined;
}

/** Awaits a Graph call that must fail and returns what Graph sent. */
export async function graphFailure(call: Promise<unknown>): Promise<GraphFailureInfo> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    const body = typeof error.body === 'string' ? (JSON.parse(error.body) as Record<string, unknown>) : {};
    return {
      status: error.statusCode,
      code: error.code ?? '',
      message: error.message,
      body,
      headers: error.headers,
    };
  }
  throw new Error('expected the Graph call to fail');
}

/** Turns an http nextLink into the path graph-client expects (it strips the host of https links only). */
export function nextPath(nextLink: string): string {
  const url = new URL(nextLink);
  return `${url.pathname.replace(/^\/v1\.0/, '')}${url.search}`;
}

/** A request body for POST /users that Graph accepts. */
export function newUserBody(
  localPart: string,
  domain = 'contoso.com',
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    accountEnabled: true,
    displayName: `Test ${localPart}`,
    mailNickname: localPart.replace(/[^A-Za-z0-9]/g, ''),
    userPrincipalName: `${localPart}@${domain}`,
    passwordProfile: { password: 'Xq7#mZ2!vR9p', forceChangePasswordNextSignIn: true },
    ...extra,
  };
}
