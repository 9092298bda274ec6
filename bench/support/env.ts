import { z } from 'zod';

/**
 * A positive number from the environment, or the fallback: lets one try another setting
 * (BENCH_BIND_CONCURRENCY=100 npm run bench -- bulkBind) without editing the benchmark.
 */
export function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const parsed = z.coerce.number().positive().safeParse(raw);
  if (!parsed.success) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return parsed.data;
}
