/** A benchmark module's export. Speed figures are measured and reported, never asserted in tests. */
export interface Benchmark {
  /** Prefix of every field it reports ("sandbox" → "sandbox.seedSeconds"); also what the CLI filter matches. */
  readonly name: string;
  /** Goals for some of its fields, next to the benchmark that measures them. */
  readonly targets: readonly BenchTarget[];
  /** Runs once and returns its figures by field name without the prefix ("seedSeconds"). */
  run(): Promise<Record<string, number>>;
}

export interface BenchTarget {
  /** Full field name, e.g. 'sandbox.seedSeconds'. */
  readonly field: string;
  /** A comparison with a number: '< 10', '> 20000', '<= 1.5', '>= 0.99'. */
  readonly target: string;
}
