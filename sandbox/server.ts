import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphConnectionInput } from '../graph/connection.js';
import { createClock } from './clock.js';
import type { SandboxClock } from './clock.js';
import { assembleSandbox } from './http/assemble.js';
import type { Inspection } from './inspection.js';
import { sandboxOptionsSchema } from './options.js';
import type { FaultOptions, SandboxOptions, SandboxOptionsInput } from './options.js';
import { generateTenant } from './seed/generator.js';
import { buildDomains } from './tenant/domains.js';
import { seedToUsers } from './tenant/seed-load.js';
import { TenantStore } from './tenant/store.js';
import { openIdConfiguration } from './token/endpoint.js';
import { createSigningKeys } from './token/keys.js';

export { tenantSizeFor } from './http/assemble.js';

/** A running loopback stand-in for Microsoft Graph v1.0 and the Entra token endpoint. */
export interface Sandbox {
  /** Settings for graph/client.ts (parses with graphConnectionSchema); plain JSON. */
  connection(): GraphConnectionInput;
  readonly clock: SandboxClock;
  readonly options: SandboxOptions;
  /** The directory itself: read it in tests, write only through Graph requests. */
  readonly store: TenantStore;
  readonly inspection: Inspection;
  /** 'http://127.0.0.1:P/' */
  readonly baseUrl: string;
  readonly port: number;
  setFaults(partial: Partial<FaultOptions>): FaultOptions;
  /** Invalidates every access token issued so far (the next token request gets a valid one). */
  revokeTokens(): void;
  close(): Promise<void>;
}

/** Seeds the directory from the generator (deterministic by options.seed). */
function seedTenant(
  options: SandboxOptions,
  clock: SandboxClock,
): { store: TenantStore; hasSyncedUsers: boolean } {
  const seeded = generateTenant({
    size: options.size,
    seed: options.seed,
    domains: options.domains,
    initialDomain: options.initialDomain,
  });
  const users = seedToUsers(seeded.users, options.seed, clock.now());
  const store = new TenantStore(clock, buildDomains(options), seeded.skus, users);
  return { store, hasSyncedUsers: users.some((user) => user.onPremisesSyncEnabled === true) };
}

export async function startSandbox(input: SandboxOptionsInput = {}): Promise<Sandbox> {
  const options = sandboxOptionsSchema.parse(input);
  const clock = createClock({ timeScale: options.timeScale });
  const { store, hasSyncedUsers } = seedTenant(options, clock);
  const keys = await createSigningKeys();

  // The handler needs the port (for nextLinks and the token endpoint), so it is attached after listen().
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  const port = await listen(server, options.port);
  const host = `127.0.0.1:${port}`;
  const assembly = assembleSandbox({ options, clock, store, keys, host, hasSyncedUsers });
  handler = assembly.handler;

  return {
    connection: () => ({
      tenantId: options.tenantId,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      // MSAL insists on https; with knownAuthorities and inline metadata the authority is never contacted.
      authority: `https://${host}/${options.tenantId}`,
      knownAuthorities: [host],
      authorityMetadata: JSON.stringify(openIdConfiguration(`http://${host}`, options.tenantId)),
      graphBaseUrl: `http://${host}/`,
    }),
    clock,
    options,
    store,
    inspection: assembly.inspection,
    baseUrl: `http://${host}/`,
    port,
    setFaults: assembly.setFaults,
    revokeTokens: assembly.revokeTokens,
    close: () => closeServer(server),
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => {
      if (error) reject(error);
      else resolve();
    });
    // Keep-alive connections from fetch would otherwise hold close() open.
    server.closeAllConnections();
  });
}
