import { ConfidentialClientApplication } from '@azure/msal-node';
import type { Configuration } from '@azure/msal-node';
import {
  Client,
  HTTPMessageHandler,
  RetryHandler,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { GraphConnection } from './connection.js';

/** Application permissions are requested as the resource's `/.default` scope (client-credentials flow). */
const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';

export interface GraphRetryOptions {
  maxRetries: number;
  delaySeconds: number;
}

export interface GraphClientOptions {
  /** false = no retries (callers handle 429/503/504 themselves); default: the SDK's 3 retries, 3 s delay. */
  retry?: false | GraphRetryOptions;
}

export interface GraphClientHandle {
  client: Client;
  /** An app-only access token for Graph (MSAL serves it from its cache until it nears expiry). */
  getToken(): Promise<string>;
}

/**
 * Sets `Authorization: Bearer …` on every request. The SDK's AuthenticationHandler only does so for https
 * Graph hosts, so over the sandbox's http loopback it would silently send no token (builder-notes §4); this
 * middleware behaves the same for both.
 */
class BearerTokenMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly getToken: () => Promise<string>) {}

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('BearerTokenMiddleware needs a next middleware');
    const headers = new Headers(context.options?.headers);
    headers.set('Authorization', `Bearer ${await this.getToken()}`);
    context.options = { ...context.options, headers: Object.fromEntries(headers.entries()) };
    await this.next.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

function msalConfiguration(connection: GraphConnection): Configuration {
  return {
    auth: {
      clientId: connection.clientId,
      clientSecret: connection.clientSecret,
      authority: connection.authority,
      ...(connection.knownAuthorities ? { knownAuthorities: connection.knownAuthorities } : {}),
      ...(connection.authorityMetadata ? { authorityMetadata: connection.authorityMetadata } : {}),
    },
    // Retrying is the caller's decision (the Graph retry middleware or the gateway), never MSAL's own.
    system: { disableInternalRetries: true },
  };
}

/** Builds an app-only Graph client for a connection; identical code for graph.microsoft.com and the sandbox. */
export function createGraphClient(
  connection: GraphConnection,
  options: GraphClientOptions = {},
): GraphClientHandle {
  const msal = new ConfidentialClientApplication(msalConfiguration(connection));
  const getToken = async (): Promise<string> => {
    const result = await msal.acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT_SCOPE] });
    if (!result?.accessToken) throw new Error('MSAL returned no access token');
    return result.accessToken;
  };

  const bearer = new BearerTokenMiddleware(getToken);
  const transport = new HTTPMessageHandler();
  const retry = options.retry ?? { maxRetries: 3, delaySeconds: 3 };
  if (retry === false) {
    bearer.setNext(transport);
  } else {
    const retryHandler = new RetryHandler(new RetryHandlerOptions(retry.delaySeconds, retry.maxRetries));
    bearer.setNext(retryHandler);
    retryHandler.setNext(transport);
  }

  const client = Client.initWithMiddleware({ baseUrl: connection.graphBaseUrl, middleware: bearer });
  return { client, getToken };
}
