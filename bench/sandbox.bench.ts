/**
 * The sandbox at full size: seeding a 100,000-user tenant (generator + tenant indexing + server start) and
 * paging through every user with $top=999 through the product's own Graph client.
 *
 * Throttling stays on ('published'): the L tenant's budget is 8,000 RU / 10 s and GET /users costs 2 RU, so
 * the ~101 page requests fit; should a 429 come anyway, the loop waits for Retry-After and counts it.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { createGraphClient } from '../graph/client.js';
import { graphConnectionSchema } from '../graph/connection.js';
import { generateTenant } from '../sandbox/seed/generator.js';
import { startSandbox } from '../sandbox/server.js';
import { MEGABYTE, startRssSampler } from './memory.js';
import type { Benchmark } from './types.js';

const USERS = 100_000;
const PAGE_SIZE = 999;
const MAX_THROTTLED_RETRIES = 50;

const pageSchema = z.object({
  value: z.array(z.unknown()),
  '@odata.nextLink': z.string().optional(),
});

const secondsSince = (start: number): number => (performance.now() - start) / 1000;

/**
 * The Graph SDK strips the host from https nextLinks only; the sandbox's links are http, so turn them into a
 * path relative to the version root ('/users?$skiptoken=...') and keep the query verbatim.
 */
export function pathFromNextLink(nextLink: string, graphBaseUrl: string): string {
  const url = new URL(nextLink);
  const base = new URL(graphBaseUrl);
  const versionRoot = `${base.pathname.replace(/\/$/, '')}/v1.0`;
  if (url.origin !== base.origin || !url.pathname.startsWith(versionRoot)) {
    throw new Error(`nextLink ${nextLink} is not under ${graphBaseUrl}v1.0`);
  }
  return `${url.pathname.slice(versionRoot.length)}${url.search}`;
}

interface PagingResult {
  users: number;
  requests: number;
  throttled: number;
  retryAfterSeconds: number;
}

function retryAfterSeconds(error: GraphError): number {
  const header = error.headers?.get('retry-after');
  const seconds = header === null || header === undefined ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : 1;
}

async function pageAllUsers(client: Client, graphBaseUrl: string): Promise<PagingResult> {
  const result: PagingResult = { users: 0, requests: 0, throttled: 0, retryAfterSeconds: 0 };
  let next: string | undefined = `/users?$top=${String(PAGE_SIZE)}`;
  while (next !== undefined) {
    result.requests += 1;
    let body: unknown;
    try {
      body = await client.api(next).get();
    } catch (error) {
      if (
        !(error instanceof GraphError) ||
        error.statusCode !== 429 ||
        result.throttled >= MAX_THROTTLED_RETRIES
      )
        throw error;
      const wait = retryAfterSeconds(error);
      result.throttled += 1;
      result.retryAfterSeconds += wait;
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      continue;
    }
    const page = pageSchema.parse(body);
    result.users += page.value.length;
    const nextLink = page['@odata.nextLink'];
    next = nextLink === undefined ? undefined : pathFromNextLink(nextLink, graphBaseUrl);
  }
  return result;
}

async function run(): Promise<Record<string, number>> {
  // The generator alone, to tell its share of the seed time from the tenant's indexing and the server start.
  const generatorStart = performance.now();
  generateTenant({
    size: USERS,
    seed: 1,
    domains: ['contoso.com'],
    initialDomain: 'contoso.onmicrosoft.com',
  });
  const generatorSeconds = secondsSince(generatorStart);
  globalThis.gc?.();

  const rss = startRssSampler();
  const seedStart = performance.now();
  const sandbox = await startSandbox({ size: USERS, throttling: 'published' });
  const seedSeconds = secondsSince(seedStart);
  try {
    const connection = graphConnectionSchema.parse(sandbox.connection());
    const graph = createGraphClient(connection, { retry: false });
    // The token request is not part of the paging figure.
    await graph.getToken();
    const pagingStart = performance.now();
    const paging = await pageAllUsers(graph.client, connection.graphBaseUrl);
    const pagingSeconds = secondsSince(pagingStart);
    if (paging.users !== USERS)
      throw new Error(`paged ${String(paging.users)} users, expected ${String(USERS)}`);
    return {
      generatorSeconds,
      seedSeconds,
      pagingSeconds,
      pagingUsersPerSecond: paging.users / pagingSeconds,
      pagingRequests: paging.requests,
      pagingThrottledResponses: paging.throttled,
      pagingRetryAfterSeconds: paging.retryAfterSeconds,
      peakRssMegabytes: rss.stop() / MEGABYTE,
    };
  } finally {
    rss.stop();
    await sandbox.close();
  }
}

export const sandboxBenchmark: Benchmark = {
  name: 'sandbox',
  targets: [
    { field: 'sandbox.generatorSeconds', target: '< 2' },
    { field: 'sandbox.seedSeconds', target: '< 10' },
    { field: 'sandbox.pagingUsersPerSecond', target: '> 20000' },
  ],
  run,
};
