import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { meetsTarget } from './targets.js';
import type { Benchmark } from './types.js';

export interface TargetResult {
  field: string;
  target: string;
  value: number | null;
  met: boolean;
}

export interface BenchReport {
  date: string;
  /** The CLI filter, or null when every benchmark ran. */
  filter: string | null;
  machine: {
    cpus: number;
    cpuModel: string;
    totalMemoryMegabytes: number;
    node: string;
    platform: string;
    arch: string;
  };
  fields: Record<string, number>;
  targets: TargetResult[];
  errors: { benchmark: string; message: string }[];
}

/** Benchmarks whose name contains the filter (case-insensitive); all of them without one. */
export function selectBenchmarks(all: readonly Benchmark[], filter: string | undefined): Benchmark[] {
  if (filter === undefined || filter === '') return [...all];
  const needle = filter.toLowerCase();
  return all.filter((benchmark) => benchmark.name.toLowerCase().includes(needle));
}

export function machineInfo(): BenchReport['machine'] {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemoryMegabytes: Math.round(os.totalmem() / (1024 * 1024)),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
  };
}

/** Runs benchmarks one after another (collecting garbage in between when --expose-gc is on). */
export async function runBenchmarks(
  benchmarks: readonly Benchmark[],
  filter: string | null,
  log: (line: string) => void,
): Promise<BenchReport> {
  const fields: Record<string, number> = {};
  const errors: BenchReport['errors'] = [];
  for (const benchmark of benchmarks) {
    globalThis.gc?.();
    log(`running ${benchmark.name} ...`);
    try {
      const figures = await benchmark.run();
      for (const [key, value] of Object.entries(figures)) fields[`${benchmark.name}.${key}`] = value;
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      errors.push({ benchmark: benchmark.name, message });
      log(`${benchmark.name} failed: ${message}`);
    }
  }
  const targets = benchmarks.flatMap((benchmark) =>
    benchmark.targets.map(({ field, target }): TargetResult => {
      const value = fields[field] ?? null;
      return { field, target, value, met: value !== null && meetsTarget(value, target) };
    }),
  );
  return { date: new Date().toISOString(), filter, machine: machineInfo(), fields, targets, errors };
}

export function formatValue(value: number | null): string {
  if (value === null) return '-';
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return String(Number(value.toPrecision(4)));
}

/** field | value | target | met? — one row per field, targets without a measured field included. */
export function formatTable(report: BenchReport): string {
  const targetsByField = new Map(report.targets.map((target) => [target.field, target]));
  const fieldNames = [...new Set([...Object.keys(report.fields), ...targetsByField.keys()])];
  const rows = fieldNames.map((field) => {
    const target = targetsByField.get(field);
    const met = target === undefined ? '' : target.met ? 'yes' : 'NO';
    return [field, formatValue(report.fields[field] ?? null), target?.target ?? '', met];
  });
  const header = ['field', 'value', 'target', 'met?'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) =>
        column === 1 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export async function writeReport(report: BenchReport, resultsDir: string): Promise<string> {
  await mkdir(resultsDir, { recursive: true });
  const file = path.join(resultsDir, 'latest.json');
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
