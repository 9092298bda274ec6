/**
 * importPreview: the engine's import preview over a 100,000-user tenant, against paging through the same users
 * with the bare graph-client ($top=999, the same $select). The directory already holds 1,000 users imported
 * from the tenant and 500 created here under addresses the tenant also has (conflicts), so classification
 * finds every status.
 *
 * Both sides run in a child process of their own (bench/support/preview-child.ts), one after the other, twice,
 * and the faster of each is kept; the tenant (about 700 MB for 100,000 users) stays in this process, so the
 * preview's peak RSS is the preview's process alone: node, the engine, the MongoDB driver and the pages.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { importedDirectoryUser, isGuest } from '../commands/engine/mapping.js';
import type { NewDirectoryUser } from '../commands/engine/model.js';
import type { M365User } from '../commands/engine/ports.js';
import { numberFromEnv } from './support/env.js';
import { SANDBOX_LATENCY } from './support/realism.js';
import { openBenchEngine, type BenchEngine } from './support/engine.js';
import { childResultSchema, type ChildResult, type PreviewJob } from './support/preview-child.js';
import type { Benchmark } from './types.js';

/** BENCH_PREVIEW_USERS=20000 for a quicker try (at least 3,000: the directory is seeded from the first 3,000). */
const USERS = Math.floor(numberFromEnv('BENCH_PREVIEW_USERS', 100_000));
const IMPORTED = 1_000;
const CONFLICTS = 500;
const ROUNDS = 2;
const CHILD = fileURLToPath(new URL('./support/preview-child.js', import.meta.url));
const log = (line: string): void => {
  process.stderr.write(`  [importPreview] ${line}\n`);
};

async function firstUsers(bench: BenchEngine, count: number): Promise<M365User[]> {
  const users: M365User[] = [];
  for await (const page of bench.gateway.listUsers()) {
    users.push(...page);
    if (users.length >= count) break;
  }
  return users;
}

/** 1,000 imported from the tenant, then 500 created here with a tenant user's address (not linked). */
async function seedDirectory(bench: BenchEngine): Promise<void> {
  const records = (await firstUsers(bench, 2 * (IMPORTED + CONFLICTS)))
    .filter((user) => !isGuest(user))
    .map(importedDirectoryUser)
    .filter((record): record is NewDirectoryUser => record !== null)
    .slice(0, IMPORTED + CONFLICTS)
    .map((record, index) =>
      index < IMPORTED ? record : { ...record, source: 'created' as const, importedFromM365Id: null },
    );
  const queue = [...records];
  const worker = async (): Promise<void> => {
    for (let record = queue.shift(); record !== undefined; record = queue.shift()) {
      await bench.repositories.users.insert(record);
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
}

function runChild(job: PreviewJob): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', CHILD, JSON.stringify(job)],
      { maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${job.mode} child failed: ${stderr.trim() || error.message}`));
          return;
        }
        const last = stdout.trim().split('\n').pop() ?? '';
        resolve(childResultSchema.parse(JSON.parse(last)));
      },
    );
  });
}

const fastest = (results: readonly ChildResult[]): ChildResult =>
  results.reduce((best, result) => (result.seconds < best.seconds ? result : best));

async function run(): Promise<Record<string, number>> {
  const bench = await openBenchEngine({
    name: 'import_preview',
    sandbox: { size: USERS, seed: 3, throttling: 'published', faults: { latency: SANDBOX_LATENCY } },
    log,
  });
  try {
    await seedDirectory(bench);
    const job = {
      connection: bench.sandbox.connection(),
      mongoUri: bench.database.uri,
      dbName: bench.database.db.databaseName,
    };
    const paging: ChildResult[] = [];
    const previews: ChildResult[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      paging.push(await runChild({ ...job, mode: 'paging' }));
      previews.push(await runChild({ ...job, mode: 'preview' }));
      log(
        `round ${String(round + 1)}: paging ${(paging[round]?.seconds ?? 0).toFixed(2)} s, preview ${(previews[round]?.seconds ?? 0).toFixed(2)} s`,
      );
    }
    const page = fastest(paging);
    const preview = fastest(previews);
    if (page.users !== USERS || preview.users !== USERS)
      throw new Error(
        `paged ${String(page.users)} and previewed ${String(preview.users)} of ${String(USERS)} users`,
      );
    const counts = preview.counts ?? {};
    log(`preview counts: ${JSON.stringify(counts)}`);
    return {
      timeRatioVsPaging: preview.seconds / page.seconds,
      previewSeconds: preview.seconds,
      previewDatabaseSeconds: preview.databaseSeconds ?? Number.NaN,
      pagingSeconds: page.seconds,
      peakRssMb: Math.max(...previews.map((result) => result.processPeakRssMb)),
      previewRssGrowthMb: Math.max(...previews.map((result) => result.peakRssMb - result.rssBeforeMb)),
      pagingPeakRssMb: Math.max(...paging.map((result) => result.processPeakRssMb)),
      alreadyImported: counts['already-imported'] ?? 0,
      conflicts: counts['conflict'] ?? 0,
      newUsers: counts['new'] ?? 0,
      skipped: counts['skipped'] ?? 0,
    };
  } finally {
    await bench.close();
  }
}

export const importPreviewBenchmark: Benchmark = {
  name: 'importPreview',
  targets: [
    { field: 'importPreview.timeRatioVsPaging', target: '<= 1.2' },
    { field: 'importPreview.peakRssMb', target: '< 256' },
  ],
  run,
};
