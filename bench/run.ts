/**
 * `npm run bench [-- <filter>]`: runs every registered benchmark (or those whose name contains the filter),
 * prints field | value | target | met? and writes bench/results/latest.json. Register new benchmarks below.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bulkBindBenchmark } from './bulk-bind.bench.js';
import { chatAckBenchmark } from './chat-ack.bench.js';
import { formatTable, runBenchmarks, selectBenchmarks, writeReport } from './harness.js';
import { importPreviewBenchmark } from './import-preview.bench.js';
import { sandboxBenchmark } from './sandbox.bench.js';
import type { Benchmark } from './types.js';

export const BENCHMARKS: readonly Benchmark[] = [
  sandboxBenchmark,
  importPreviewBenchmark,
  chatAckBenchmark,
  bulkBindBenchmark,
];

async function main(args: readonly string[]): Promise<number> {
  const filter = args.find((arg) => !arg.startsWith('-'));
  const selected = selectBenchmarks(BENCHMARKS, filter);
  if (selected.length === 0) {
    const names = BENCHMARKS.map((benchmark) => benchmark.name).join(', ');
    process.stderr.write(
      `No benchmark matches "${filter ?? ''}"; known benchmarks: ${names} (e.g. npm run bench -- sandbox).\n`,
    );
    return 2;
  }
  const report = await runBenchmarks(selected, filter ?? null, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${formatTable(report)}\n`);
  const file = await writeReport(report, path.resolve(process.cwd(), 'bench', 'results'));
  process.stderr.write(`results written to ${path.relative(process.cwd(), file)}\n`);
  return report.errors.length > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
