import { createRandom } from '../../../sandbox/random.js';

/**
 * The sandbox's seeded generator (mulberry32) so every random choice of a scenario — kill points, delays — is
 * reproducible from the one seed the test prints. RELIABILITY_SEED=<n> replays a run.
 */
export interface SeededRandom {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number;
}

export function seededRandom(seed: number): SeededRandom {
  const random = createRandom(seed);
  return { seed, next: () => random.next(), between: (min, max) => random.int(min, max) };
}

/** RELIABILITY_SEED when set, else a fresh seed (printed by the caller so a failure can be replayed). */
export function scenarioSeed(): number {
  const given = process.env['RELIABILITY_SEED'];
  if (given !== undefined && /^\d+$/.test(given)) return Number(given);
  return Math.floor(Math.random() * 2 ** 31);
}
