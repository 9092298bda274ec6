import { describe, it, expect } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { formatTable, formatValue, runBenchmarks, selectBenchmarks, writeReport } from '../bench/harness.js';
import { startRssSampler } from '../bench/memory.js';
import { pathFromNextLink } from '../bench/sandbox.bench.js';
import { meetsTarget, parseTarget } from '../bench/targets.js';
import type { Benchmark } from '../bench/types.js';

const fake = (
  name: string,
  figures: Record<string, number>,
  targets: Benchmark['targets'] = [],
): Benchmark => ({
  name,
  targets,
  run: () => Promise.resolve(figures),
});

describe('bench targets', () => {
  it.each([
    [5, '< 10', true],
    [10, '< 10', false],
    [10, '<= 10', true],
    [25_000, '> 20,000', true],
    [19_999, '> 20000', false],
    [0.99, '>= 0.99', true],
  ])('%d against %s is %s', (value, target, met) => {
    expect(meetsTarget(value, target)).toBe(met);
  });

  it('rejects a target that is not a comparison with a number', () => {
    expect(() => parseTarget('about 10')).toThrow();
  });
});

describe('bench harness', () => {
  it('selects benchmarks by a case-insensitive name filter, or all without one', () => {
    const all = [fake('sandbox', {}), fake('gateway', {})];
    expect(selectBenchmarks(all, 'SAND').map((benchmark) => benchmark.name)).toEqual(['sandbox']);
    expect(selectBenchmarks(all, undefined)).toHaveLength(2);
    expect(selectBenchmarks(all, 'nothing')).toEqual([]);
  });

  it('prefixes fields with the benchmark name and judges targets', async () => {
    const report = await runBenchmarks(
      [
        fake('sandbox', { seedSeconds: 3, pagingUsersPerSecond: 15_000 }, [
          { field: 'sandbox.seedSeconds', target: '< 10' },
          { field: 'sandbox.pagingUsersPerSecond', target: '> 20000' },
        ]),
      ],
      null,
      () => undefined,
    );
    expect(report.fields).toEqual({ 'sandbox.seedSeconds': 3, 'sandbox.pagingUsersPerSecond': 15_000 });
    expect(report.targets.map((target) => target.met)).toEqual([true, false]);
    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(report.machine.node).toBe(process.version);
  });

  it('records a failing benchmark as an error, marks its targets unmet and still runs the others', async () => {
    const failing: Benchmark = {
      name: 'broken',
      targets: [{ field: 'broken.seconds', target: '< 1' }],
      run: () => Promise.reject(new Error('boom')),
    };
    const report = await runBenchmarks([failing, fake('ok', { value: 1 })], 'x', () => undefined);
    expect(report.errors.map((error) => error.benchmark)).toEqual(['broken']);
    expect(report.targets).toEqual([{ field: 'broken.seconds', target: '< 1', value: null, met: false }]);
    expect(report.fields).toEqual({ 'ok.value': 1 });
  });

  it('prints one row per field with value, target and whether it was met', async () => {
    const report = await runBenchmarks(
      [
        fake('sandbox', { seedSeconds: 12.3456, extra: 123_456.7 }, [
          { field: 'sandbox.seedSeconds', target: '< 10' },
        ]),
      ],
      null,
      () => undefined,
    );
    const lines = formatTable(report).split('\n');
    expect(lines[0]).toMatch(/^field\s+value\s+target\s+met\?$/);
    expect(lines.find((line) => line.startsWith('sandbox.seedSeconds'))).toMatch(/12\.35\s+< 10\s+NO$/);
    expect(lines.find((line) => line.startsWith('sandbox.extra'))).toMatch(/123,457$/);
  });

  it('formats missing values as a dash', () => {
    expect(formatValue(null)).toBe('-');
  });

  it('writes latest.json with fields, targets and machine info', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'bench-'));
    try {
      const report = await runBenchmarks([fake('sandbox', { seedSeconds: 1 })], null, () => undefined);
      const file = await writeReport(report, directory);
      const written = JSON.parse(await readFile(file, 'utf8')) as unknown;
      expect(path.basename(file)).toBe('latest.json');
      expect(written).toMatchObject({
        fields: { 'sandbox.seedSeconds': 1 },
        machine: { node: process.version },
      });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('RSS sampler', () => {
  it('reports a peak at least as high as the RSS while it ran', async () => {
    const sampler = startRssSampler(1);
    const ballast = Buffer.alloc(32 * 1024 * 1024, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const during = process.memoryUsage.rss();
    const peak = sampler.stop();
    expect(ballast.length).toBeGreaterThan(0);
    expect(peak).toBeGreaterThanOrEqual(during);
  });
});

describe('sandbox benchmark paging', () => {
  it('turns the sandbox http nextLink into a path under the version root, query kept verbatim', () => {
    expect(
      pathFromNextLink(
        'http://127.0.0.1:4010/v1.0/users?$top=999&$skiptoken=a%2Bb',
        'http://127.0.0.1:4010/',
      ),
    ).toBe('/users?$top=999&$skiptoken=a%2Bb');
  });

  it('refuses a nextLink that points at another host', () => {
    expect(() =>
      pathFromNextLink('http://example.com/v1.0/users?$skiptoken=x', 'http://127.0.0.1:4010/'),
    ).toThrow();
  });
});
