/**
 * bulkBind: 2,000 new users bound (created + licensed, no welcome mail) by the engine against an L-size sandbox
 * tenant with Microsoft's throttling and a Graph-like latency on every request, compared in the same run with
 *   - a plain sequential Graph SDK loop doing the same creates and licence assignments (the SDK's default
 *     RetryHandler), against a fresh tenant with the same settings (speedupVsSequential), and
 *   - the engine's Graph gateway alone doing the same with the engine's concurrency and no database
 *     (gatewayOnly.*), which separates the gateway's pace from the database's.
 * Writes are counted from the sandbox's own request log (non-GET requests and $batch items), in sandbox time.
 * Graph sells no seats through its API, so each tenant first gets 2,000 more E3 seats the way an admin buys
 * them (in the tenant itself).
 */
import { engineSettingsSchema } from '../commands/engine/settings.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import type { SandboxOptionsInput } from '../sandbox/options.js';
import { MEGABYTE, startRssSampler } from './memory.js';
import { BENCH_ACTOR, benchDirectoryUser, openBenchEngine, type BenchEngine } from './support/engine.js';
import { numberFromEnv } from './support/env.js';
import { gatewayOnlyBind } from './support/gateway-bind.js';
import { quotaUse, readGraphLog, writeTimeline, type GraphLog } from './support/graph-log.js';
import { SANDBOX_LATENCY, TIME_SCALE } from './support/realism.js';
import { sequentialBind } from './support/sequential-bind.js';
import { totalOf, type CallTimes } from './support/timing.js';
import type { Benchmark } from './types.js';

const USERS = numberFromEnv('BENCH_BIND_USERS', 2_000);
/** Users in flight at once: the engine's default (commands/engine/settings.ts) unless overridden. */
const CONCURRENCY = numberFromEnv('BENCH_BIND_CONCURRENCY', engineSettingsSchema.parse({}).bulkConcurrency);
const SKU = 'SPE_E3';
const users = Array.from({ length: USERS }, (_, index) => benchDirectoryUser(index + 1, 'contoso.com'));
const log = (line: string): void => {
  process.stderr.write(`  [bulkBind] ${line}\n`);
};

const sandboxOptions: SandboxOptionsInput = {
  size: 'L',
  seed: 11,
  throttling: 'published',
  timeScale: TIME_SCALE,
  faults: { latency: SANDBOX_LATENCY },
};

/** The admin buys `seats` more seats of the SKU (Graph has no API for purchases); returns its skuId. */
function buySeats(sandbox: Sandbox, skuPartNumber: string, seats: number): string {
  const sku = sandbox.store.licenses.skus.find((candidate) => candidate.skuPartNumber === skuPartNumber);
  if (!sku) throw new Error(`the sandbox tenant has no ${skuPartNumber} subscription`);
  sku.enabledUnits += seats;
  return sku.skuId;
}

const share429 = (graph: GraphLog): number => (graph.responses === 0 ? 0 : graph.throttled / graph.responses);

async function insertDirectoryUsers(bench: BenchEngine): Promise<void> {
  const queue = [...users];
  const worker = async (): Promise<void> => {
    for (let user = queue.shift(); user !== undefined; user = queue.shift()) {
      await bench.repositories.users.insert(user);
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
}

function logTimes(what: string, times: CallTimes): void {
  const sorted = [...times].sort((a, b) => b[1].totalMs - a[1].totalMs);
  const parts = sorted.map(
    ([method, entry]) => `${method} ${String(entry.calls)}×${(entry.totalMs / entry.calls).toFixed(0)}ms`,
  );
  log(`${what}: ${parts.join(', ')}`);
}

async function engineRun(): Promise<Record<string, number>> {
  const bench = await openBenchEngine({
    name: 'bulk_bind',
    sandbox: sandboxOptions,
    settings: { bulkConcurrency: CONCURRENCY },
    log,
  });
  try {
    buySeats(bench.sandbox, SKU, USERS);
    await insertDirectoryUsers(bench);
    bench.databaseTimes.clear();
    // Full buckets on both sides, as for an app that has not written for a while.
    bench.sandbox.inspection.reset();
    globalThis.gc?.();
    const rss = startRssSampler();
    const realStart = performance.now();
    const sandboxStart = bench.sandbox.clock.now();
    const report = await bench.engine.bind(
      users.map((user) => user.email),
      { actor: BENCH_ACTOR, licenceSku: SKU, welcome: false },
    );
    const realSeconds = (performance.now() - realStart) / 1000;
    const sandboxSeconds = (bench.sandbox.clock.now() - sandboxStart) / 1000;
    const peakRssMb = rss.stop() / MEGABYTE;
    const graph = readGraphLog(bench.sandbox);
    const quota = quotaUse(graph.writeTimes);
    const database = totalOf(bench.databaseTimes);
    const graphCalls = totalOf(bench.graphTimes);
    // Worker time: every worker busy for the whole run. What share of it waited for what.
    const workerMs = CONCURRENCY * realSeconds * 1000;
    log(
      `engine: ${String(report.totals.done)} done, ${String(report.totals.failed)} failed in ${realSeconds.toFixed(1)} s real, ${sandboxSeconds.toFixed(1)} s sandbox`,
    );
    log(`writes per 10 sandbox s: ${writeTimeline(graph.writeTimes, 10).join(' ')}`);
    logTimes('database', bench.databaseTimes);
    logTimes('graph', bench.graphTimes);
    log(`pacer ${JSON.stringify(bench.gateway.pacingStats())}, ${String(graph.batches)} $batch requests`);
    return {
      quotaRatio: quota.quotaRatio,
      sustainedQuotaRatio: quota.sustainedRatio,
      writesPerSecond: quota.writesPerSecond,
      share429: share429(graph),
      failed: report.totals.failed,
      sandboxSeconds,
      realSeconds,
      databaseShare: database.totalMs / workerMs,
      graphShare: graphCalls.totalMs / workerMs,
      databaseMsPerUser: database.totalMs / USERS,
      graphMsPerUser: graphCalls.totalMs / USERS,
      databaseCallsPerUser: database.calls / USERS,
      peakRssMb,
    };
  } finally {
    await bench.close();
  }
}

/** A fresh tenant with the same settings and seats, and its request log after `work`. */
async function onFreshTenant<T>(
  work: (sandbox: Sandbox, skuId: string) => Promise<T>,
): Promise<[T, GraphLog]> {
  const sandbox = await startSandbox(sandboxOptions);
  try {
    const skuId = buySeats(sandbox, SKU, USERS);
    sandbox.inspection.reset();
    const result = await work(sandbox, skuId);
    return [result, readGraphLog(sandbox)];
  } finally {
    await sandbox.close();
  }
}

async function gatewayOnlyRun(): Promise<Record<string, number>> {
  const [result, graph] = await onFreshTenant((sandbox, skuId) =>
    gatewayOnlyBind(sandbox, users, skuId, CONCURRENCY),
  );
  log(
    `gateway only: ${String(result.done)} done, ${String(result.failed)} failed in ${result.sandboxSeconds.toFixed(1)} s sandbox`,
  );
  return {
    'gatewayOnly.quotaRatio': quotaUse(graph.writeTimes).quotaRatio,
    'gatewayOnly.share429': share429(graph),
    'gatewayOnly.failed': result.failed,
    'gatewayOnly.sandboxSeconds': result.sandboxSeconds,
  };
}

async function sequentialRun(): Promise<Record<string, number>> {
  const [result, graph] = await onFreshTenant((sandbox, skuId) => sequentialBind(sandbox, users, skuId));
  log(
    `sequential: ${String(result.done)} done, ${String(result.failed)} failed in ${result.sandboxSeconds.toFixed(1)} s sandbox`,
  );
  return {
    'sequential.sandboxSeconds': result.sandboxSeconds,
    'sequential.failed': result.failed,
    'sequential.share429': share429(graph),
  };
}

async function run(): Promise<Record<string, number>> {
  const engine = await engineRun();
  const gatewayOnly = await gatewayOnlyRun();
  const sequential = await sequentialRun();
  const engineSeconds = engine['sandboxSeconds'] ?? Number.NaN;
  const sequentialSeconds = sequential['sequential.sandboxSeconds'] ?? Number.NaN;
  const gatewaySeconds = gatewayOnly['gatewayOnly.sandboxSeconds'] ?? Number.NaN;
  return {
    ...engine,
    speedupVsSequential: sequentialSeconds / engineSeconds,
    ...gatewayOnly,
    'gatewayOnly.speedupVsSequential': sequentialSeconds / gatewaySeconds,
    ...sequential,
    timeScale: TIME_SCALE,
  };
}

export const bulkBindBenchmark: Benchmark = {
  name: 'bulkBind',
  targets: [
    { field: 'bulkBind.quotaRatio', target: '>= 0.95' },
    { field: 'bulkBind.share429', target: '<= 0.01' },
    { field: 'bulkBind.failed', target: '<= 0' },
    { field: 'bulkBind.speedupVsSequential', target: '>= 10' },
  ],
  run,
};
