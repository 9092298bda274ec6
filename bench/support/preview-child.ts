/**
 * Runs one side of the importPreview benchmark in a process of its own, so its peak RSS is its own and not the
 * 100,000-user sandbox tenant's (which lives in the parent): `node preview-child.js '<job JSON>'` prints one
 * JSON line with the timing and memory figures.
 *   - 'paging':  the bare graph-client pages through every user ($top=999, the engine's $select);
 *   - 'preview': the engine's importPreview over the same users, classified against the directory.
 * Token acquisition is done before timing in both.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { MongoClient } from 'mongodb';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { createEngine } from '../../commands/engine/engine.js';
import { M365_USER_PROPERTIES } from '../../commands/engine/m365.js';
import type { EngineJobs } from '../../commands/engine/ports.js';
import { createGraphClient } from '../../graph/client.js';
import { graphConnectionSchema } from '../../graph/connection.js';
import { createM365Gateway } from '../../graph/gateway.js';
import { createRepositories } from '../../storage/repositories/index.js';
import { MEGABYTE, startRssSampler } from '../memory.js';
import { timedRepositories, totalOf } from './timing.js';
import { pathFromNextLink } from '../sandbox.bench.js';

const jobSchema = z.object({
  mode: z.enum(['paging', 'preview']),
  connection: z.unknown(),
  mongoUri: z.string().min(1),
  dbName: z.string().min(1),
});
export type PreviewJob = z.input<typeof jobSchema>;

export const childResultSchema = z.object({
  seconds: z.number(),
  users: z.number(),
  /** Peak RSS while the timed work ran (sampled), MB. */
  peakRssMb: z.number(),
  /** RSS just before the timed work started, MB. */
  rssBeforeMb: z.number(),
  /** The process's lifetime peak (getrusage), MB. */
  processPeakRssMb: z.number(),
  counts: z.record(z.string(), z.number()).optional(),
  /** Seconds spent waiting for the directory (preview only). */
  databaseSeconds: z.number().optional(),
});
export type ChildResult = z.output<typeof childResultSchema>;

const pageSchema = z.object({ value: z.array(z.unknown()), '@odata.nextLink': z.string().optional() });
const noJobs: EngineJobs = {
  schedulePasswordExpiry: () => Promise.resolve(),
  cancelPasswordExpiry: () => Promise.resolve(),
  scheduleAddressReleaseRetry: () => Promise.resolve(),
  cancelAddressReleaseRetry: () => Promise.resolve(),
};

async function pageEveryUser(client: Client, graphBaseUrl: string): Promise<number> {
  let users = 0;
  let next: string | undefined = `/users?$select=${M365_USER_PROPERTIES.join(',')}&$top=999`;
  while (next !== undefined) {
    const page = pageSchema.parse(await client.api(next).get());
    users += page.value.length;
    const link = page['@odata.nextLink'];
    next = link === undefined ? undefined : pathFromNextLink(link, graphBaseUrl);
  }
  return users;
}

interface Outcome {
  users: number;
  counts?: Record<string, number>;
  databaseSeconds?: number;
}

async function timed(work: () => Promise<Outcome>) {
  globalThis.gc?.();
  const rssBeforeMb = process.memoryUsage.rss() / MEGABYTE;
  const sampler = startRssSampler(10);
  const start = performance.now();
  const outcome = await work();
  const seconds = (performance.now() - start) / 1000;
  const peakRssMb = sampler.stop() / MEGABYTE;
  const processPeakRssMb = (process.resourceUsage().maxRSS * 1024) / MEGABYTE;
  return { seconds, peakRssMb, rssBeforeMb, processPeakRssMb, ...outcome };
}

async function runJob(job: z.output<typeof jobSchema>): Promise<ChildResult> {
  const connection = graphConnectionSchema.parse(job.connection);
  if (job.mode === 'paging') {
    const graph = createGraphClient(connection, { retry: false });
    await graph.getToken();
    return timed(async () => ({ users: await pageEveryUser(graph.client, connection.graphBaseUrl) }));
  }
  const mongo = new MongoClient(job.mongoUri);
  await mongo.connect();
  try {
    const gateway = createM365Gateway({ connection });
    const { repositories, times } = timedRepositories(createRepositories(mongo.db(job.dbName)));
    const engine = createEngine({
      ...repositories,
      gateway,
      jobs: noJobs,
      clock: { now: () => new Date() },
      settings: {},
    });
    // Token and tenant-size probe first, as the paging side gets its token first.
    await gateway.getTenantInfo();
    return await timed(async () => {
      times.clear();
      const preview = await engine.importPreview({});
      const databaseSeconds = totalOf(times).totalMs / 1000;
      return { users: preview.counts.total, counts: { ...preview.counts }, databaseSeconds };
    });
  } finally {
    await mongo.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const job = jobSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const result = await runJob(job);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
