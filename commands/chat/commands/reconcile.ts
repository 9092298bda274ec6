import { z } from 'zod';
import type { CardModelInput, Table } from '../../../cards/model.js';
import type { ReconcileReport } from '../../engine/operations/reconcile.js';
import { hasFlag, noWords } from '../arguments.js';
import { plural } from '../cards.js';
import { defineMutating } from '../command.js';
import type { RequestFailure } from '../model.js';

/**
 * reconcile [--fix]: compares every bound user's Microsoft 365 account with the directory. Without --fix it
 * reports the drift and records accounts deleted in Microsoft 365; with --fix it also writes the directory's
 * values back (never what on-premises Active Directory masters).
 */

function show(value: unknown): string {
  if (value === null || value === undefined) return '(empty)';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(show).join('; ');
  return JSON.stringify(value);
}

function driftTable(report: ReconcileReport): Table {
  const rows = report.results.flatMap((result) => {
    if (result.outcome === 'failed') return [[result.email, '', '', result.error?.message ?? 'failed']];
    if (result.drift.length === 0) return [[result.email, '', '', result.note ?? '']];
    return result.drift.map((entry) => [
      result.email,
      entry.field,
      `${show(entry.m365)} → ${show(entry.directory)}`,
      entry.fixable ? '' : 'mastered on-premises, not fixed',
    ]);
  });
  return { caption: 'Drift', columns: ['User', 'Field', 'Microsoft 365 → directory', 'Note'], rows };
}

function content(report: ReconcileReport, title: string): CardModelInput {
  return {
    title,
    facts: [
      { label: 'Checked', value: String(report.checked) },
      { label: 'In sync', value: String(report.inSync) },
      { label: 'Drifted', value: String(report.drifted) },
      { label: 'Fixed', value: String(report.fixed) },
      { label: 'Deleted in Microsoft 365', value: String(report.missing) },
      { label: 'Failed', value: String(report.failed) },
    ],
    tables: report.results.length > 0 ? [driftTable(report)] : [],
  };
}

function failuresOf(report: ReconcileReport): RequestFailure[] {
  return report.results
    .filter((result) => result.outcome === 'failed')
    .map((result) => ({
      email: result.email,
      code: result.error?.code ?? 'UNKNOWN',
      message: result.error?.message ?? 'failed',
    }));
}

export const reconcile = defineMutating({
  name: 'reconcile',
  summary: 'Finds (and with --fix repairs) differences between Microsoft 365 and the directory.',
  usage: 'reconcile [--fix]',
  example: 'reconcile --fix',
  role: 'operator',
  options: { fix: 'flag' },
  schema: z.object({ fix: z.boolean() }),
  input: (line) => {
    noWords(line, 'reconcile');
    return { fix: hasFlag(line, 'fix') };
  },
  async plan(context, args) {
    const report = await context.engine.reconcile({ fix: args.fix, dryRun: true, actor: context.actor });
    const changing = (args.fix ? report.drifted : 0) + report.missing;
    const title = args.fix ? 'Reconcile and fix' : 'Reconcile (report)';
    const summary = `${title}: ${report.drifted} drifted, ${report.missing} deleted in Microsoft 365 of ${plural(report.checked, 'user')}`;
    const plan = { content: content(report, title), summary, targets: changing };
    if (changing > 0) return plan;
    const refusal =
      report.drifted === 0
        ? 'Everything is in sync, so there is nothing to approve.'
        : 'This is a report and nothing would change; run "reconcile --fix" to repair the drift.';
    return { ...plan, refusal };
  },
  async execute(context, args, hooks) {
    const report = await context.engine.reconcile({
      fix: args.fix,
      actor: hooks.actor,
      onProgress: hooks.onProgress,
    });
    const title = args.fix ? 'Reconcile and fix' : 'Reconcile (report)';
    const failures = failuresOf(report);
    const summary = `${title}: ${report.drifted} drifted, ${report.fixed} fixed, ${report.missing} deleted in Microsoft 365, ${report.failed} failed`;
    return {
      content: content(report, title),
      outcome: {
        summary,
        totals: {
          checked: report.checked,
          drifted: report.drifted,
          fixed: report.fixed,
          failed: report.failed,
        },
        failures,
        retryable: false,
      },
      failed: false,
    };
  },
});
