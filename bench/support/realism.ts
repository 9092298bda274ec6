import { numberFromEnv } from './env.js';

/**
 * How the Graph benchmarks make the sandbox behave like Microsoft 365 in time.
 *
 * TIME_SCALE: sandbox seconds per real second. Quotas, Retry-After and the write window run on the sandbox
 * clock, so a 150 s write window passes in 150 / TIME_SCALE real seconds.
 *
 * SANDBOX_LATENCY: extra real milliseconds per Graph request and per $batch item (sandbox faults.latency,
 * uniform). Applied to every run alike, the engine's and the baselines'.
 */
export const TIME_SCALE = numberFromEnv('BENCH_TIME_SCALE', 1);
export const SANDBOX_LATENCY = {
  minMs: numberFromEnv('BENCH_LATENCY_MIN_MS', 50),
  maxMs: numberFromEnv('BENCH_LATENCY_MAX_MS', 150),
};
