import { ConfidentialClientApplication } from '@azure/msal-node';
import type { Configuration, NodeAuthOptions } from '@azure/msal-node';
import {
  Client,
  HTTPMessageHandler,
  RetryHandler,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { ClientCertificate, GraphAppConnection } from './connection.js';
import { revealSecret } from './connection.js';
import { realClock } from './timing.js';
import type { GraphClock } from './timing.js';
import { TokenSource } from './token-source.js';

/** Application permissions are requested as the resource's `/.default` scope (client-credentials flow). */
const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';

export interface GraphRetryOptions {
  maxRetries: number;
  delaySeconds: number;
}

export interface GraphClientOptions {
  /**
   * false = no retries (callers handle 429/503/504 themselves — the gateway does, with its own pacing);
   * default: the SDK's RetryHandler, 3 retries, 3 s delay.
   */
  retry?: false | GraphRetryOptions;
  /** Graph's clock, for token lifetimes (the sandbox clock in tests); default: the real clock. */
  clock?: GraphClock;
}

export interface GraphClientHandle {
  client: Client;
  /** An app-only access token for Graph (served from cache until shortly before it expires). */
  getToken(): Promise<string>;
  /** The token cache behind getToken, with `refresh(rejected)` for a 401 mid-run. */
  tokens: TokenSource;
}

/**
 * Sets `Authorization: Bearer …` on every request that does not carry one already. The SDK's
 * AuthenticationHandler only does so for https Graph hosts, so over the sandbox's http loopback it would
 * silently send no token (builder-notes §4); this middleware behaves the same for both. A caller that sets the
 * header itself (the gateway, which must know which token a 401 rejected) keeps its own.
 */
class BearerTokenMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly getToken: () => Promise<string>) {}

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('BearerTokenMiddleware needs a next middleware');
    const headers = new Headers(context.options?.headers);
    if (!headers.has('Authorization')) headers.set('Authorization', `Bearer ${await this.getToken()}`);
    context.options = { ...context.options, headers: Object.fromEntries(headers.entries()) };
    await this.next.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** msal-node's certificate options: SHA-256 thumbprints go in thumbprintSha256, SHA-1 in (deprecated) thumbprint. */
function certificateOptions(
  certificate: ClientCertificate,
): NonNullable<NodeAuthOptions['clientCertificate']> {
  const privateKey = revealSecret(certificate.privateKey);
  const thumbprint =
    certificate.thumbprint.length === 64
      ? { thumbprintSha256: certificate.thumbprint }
      : { thumbprint: certificate.thumbprint };
  return { ...thumbprint, privateKey, ...(certificate.x5c ? { x5c: certificate.x5c } : {}) };
}

/** The only place a client secret or private key is revealed. */
function msalConfiguration(connection: GraphAppConnection): Configuration {
  const credential =
    connection.clientCertificate !== undefined
      ? { clientCertificate: certificateOptions(connection.clientCertificate) }
      : { clientSecret: revealSecret(connection.clientSecret ?? '') };
  return {
    auth: {
      clientId: connection.clientId,
      ...credential,
      authority: connection.authority,
      ...(connection.knownAuthorities ? { knownAuthorities: connection.knownAuthorities } : {}),
      ...(connection.authorityMetadata ? { authorityMetadata: connection.authorityMetadata } : {}),
    },
    // Retrying is the caller's decision (the Graph retry middleware or the gateway), never MSAL's own.
    system: { disableInternalRetries: true },
  };
}

function createTokenSource(connection: GraphAppConnection, clock: GraphClock): TokenSource {
  const msal = new ConfidentialClientApplication(msalConfiguration(connection));
  return new TokenSource(async (skipCache) => {
    const result = await msal.acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT_SCOPE], skipCache });
    if (!result?.accessToken) throw new Error('MSAL returned no access token');
    // expiresOn is real time; expires_in is a Graph duration, so keep the remaining lifetime, not the instant.
    const lifetimeMs = result.expiresOn ? result.expiresOn.getTime() - Date.now() : 0;
    return { accessToken: result.accessToken, lifetimeMs: Math.max(0, lifetimeMs) };
  }, clock);
}

/** Builds an app-only Graph client for a connection; identical code for graph.microsoft.com and the sandbox. */
export function createGraphClient(
  connection: GraphAppConnection,
  options: GraphClientOptions = {},
): GraphClientHandle {
  const tokens = createTokenSource(connection, options.clock ?? realClock);
  const getToken = (): Promise<string> => tokens.current();

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
  return { client, getToken, tokens };
}
