import type { EngineLogger } from '../../commands/engine/context.js';
import { createEngine, type Engine } from '../../commands/engine/engine.js';
import type { Actor, NewDirectoryUser } from '../../commands/engine/model.js';
import type { Clock } from '../../commands/engine/ports.js';
import { createEngineJobs, ENGINE_JOBS } from '../../bot/engine-jobs.js';
import { createLogger } from '../../bot/logger.js';
import { startScheduler } from '../../storage/scheduler.js';
import type { EngineSettingsInput } from '../../commands/engine/settings.js';
import { createM365Gateway, type GatewaySettingsInput, type GraphGateway } from '../../graph/gateway.js';
import type { SandboxOptionsInput } from '../../sandbox/options.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { createRepositories, type Repositories } from '../../storage/repositories/index.js';
import { openBenchDatabase, type BenchDatabase } from './database.js';
import { numberedNewHire } from './new-hires.js';
import { timed, timedRepositories, type CallTimes } from './timing.js';

/**
 * A real engine for a benchmark, built as bot/app.ts builds it: the MongoDB repositories, the Graph gateway
 * (msal-node + graph-client, pacing, batching) against a sandbox tenant, all on the sandbox's clock, and the
 * engine's Agenda jobs on the same database (a bind schedules one password-expiry job per user, as in
 * production; none falls due during a benchmark).
 */

export const BENCH_ACTOR: Actor = { platform: 'system', id: 'bench-admin', displayName: 'Benchmark Admin' };

const silentLogger: EngineLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export interface BenchEngineOptions {
  /** Database name suffix (bench_<name>). */
  name: string;
  sandbox: SandboxOptionsInput;
  settings?: EngineSettingsInput;
  gateway?: Omit<GatewaySettingsInput, 'connection'>;
  log?: (line: string) => void;
}

export interface BenchEngine {
  sandbox: Sandbox;
  gateway: GraphGateway;
  database: BenchDatabase;
  repositories: Repositories;
  /** Time spent in repository calls (summed over concurrent calls), by method. */
  databaseTimes: CallTimes;
  /** Time spent in Graph gateway calls (pacing, batching and retries included), by method. */
  graphTimes: CallTimes;
  engine: Engine;
  close(): Promise<void>;
}

export async function openBenchEngine(options: BenchEngineOptions): Promise<BenchEngine> {
  const database = await openBenchDatabase(options.name, options.log);
  let sandbox: Sandbox | undefined;
  try {
    sandbox = await startSandbox(options.sandbox);
    return await assemble(sandbox, database, options);
  } catch (error) {
    await sandbox?.close();
    await database.close();
    throw error;
  }
}

async function assemble(
  sandbox: Sandbox,
  database: BenchDatabase,
  options: BenchEngineOptions,
): Promise<BenchEngine> {
  const clock: Clock = { now: () => new Date(sandbox.clock.now()) };
  const { repositories, times } = timedRepositories(createRepositories(database.db, { clock }));
  const gateway = createM365Gateway(
    { connection: sandbox.connection(), ...options.gateway },
    { clock: sandbox.clock },
  );
  const graphTimes: CallTimes = new Map();
  const scheduler = await startScheduler(
    database.db,
    ENGINE_JOBS.all,
    createLogger({ level: 'silent', format: 'json' }),
  );
  const engine = createEngine({
    ...repositories,
    gateway: timed('graph', gateway, graphTimes),
    jobs: timed('jobs', createEngineJobs(scheduler, ENGINE_JOBS), times),
    clock,
    settings: options.settings ?? {},
    logger: silentLogger,
  });
  await engine.connect(BENCH_ACTOR);
  return {
    sandbox,
    gateway,
    database,
    repositories,
    databaseTimes: times,
    graphTimes,
    engine,
    close: async () => {
      await scheduler.stop(5_000);
      await sandbox.close();
      await database.close();
    },
  };
}

/** A directory user created here (not imported), ready to bind: 'bench.user00042@contoso.com'. */
export function benchDirectoryUser(index: number, domain: string): NewDirectoryUser {
  return numberedNewHire(index, { prefix: 'bench.user', domain, label: 'Bench', department: 'Benchmarks' });
}
