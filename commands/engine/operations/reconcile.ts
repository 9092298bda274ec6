import { z } from 'zod';
import { recordTenantEvent } from '../audit.js';
import { requireConnected, type EngineContext } from '../context.js';
import { computeDrift, masteredOnPremises, patchFor, type FieldDrift } from '../drift.js';
import { expectedAccountEnabled, syncedAttributesOf, syncedAttributesOfM365 } from '../mapping.js';
import { actorSchema, type Actor, type Binding, type DirectoryUser } from '../model.js';
import { change, errorSummary, type Progress, type UserResult } from '../results.js';
import { asDomainError } from '../run-user.js';
import type { M365Directory, RequestTrace } from '../ports.js';
import { ACCOUNT_STATES } from './shared.js';

/**
 * Reconcile: compares every bound user's Microsoft 365 attributes and sign-in with the directory (sign-in
 * expected from the binding's state) and reports drift per user and field; with `fix`, writes the
 * directory's values back — never what on-premises Active Directory masters. An account deleted in
 * Microsoft 365 marks its binding missing-in-m365 and leaves the directory user unchanged (the seed).
 *
 * Report mode (fix false) writes nothing to Microsoft 365 (it runs on the gateway's dry-run twin) but does
 * record missing accounts, which is an observation rather than a change; `dryRun` writes nothing at all.
 */

export const reconcileOptionsSchema = z.object({
  fix: z.boolean().default(false),
  dryRun: z.boolean().default(false),
  actor: actorSchema,
});
export type ReconcileOptions = z.input<typeof reconcileOptionsSchema> & {
  onProgress?: (progress: Progress) => void;
};

export interface ReconcileUserResult extends UserResult {
  drift: FieldDrift[];
}

export interface ReconcileReport {
  fix: boolean;
  dryRun: boolean;
  checked: number;
  inSync: number;
  drifted: number;
  fixed: number;
  missing: number;
  failed: number;
  /** Only users with drift, a missing account or a failure (in-sync users are only counted). */
  results: ReconcileUserResult[];
}

interface ReconcileRun {
  context: EngineContext;
  total: number;
  onProgress: ((progress: Progress) => void) | undefined;
  fix: boolean;
  dryRun: boolean;
  m365: M365Directory;
  actor: Actor;
}

async function markMissing(run: ReconcileRun, binding: Binding, result: ReconcileUserResult): Promise<void> {
  result.changes.push(change('mark-missing', 'directory'));
  result.note =
    'deleted in Microsoft 365; the directory user is unchanged (bind again to re-create the account)';
  if (run.dryRun) return;
  await run.context.bindings.transition(binding.userId, [binding.state], { state: 'missing-in-m365' });
  await run.context.jobs.cancelPasswordExpiry(binding.userId);
}

async function reconcileOne(
  run: ReconcileRun,
  binding: Binding,
  user: DirectoryUser,
  trace: RequestTrace,
): Promise<ReconcileUserResult> {
  const result: ReconcileUserResult = { email: user.email, outcome: 'skipped', changes: [], drift: [] };
  const account = binding.m365Id === null ? null : await run.m365.getUser(binding.m365Id, trace);
  if (account === null) {
    await markMissing(run, binding, result);
    result.outcome = run.dryRun ? 'planned' : 'done';
    return result;
  }
  const expected = syncedAttributesOf(user, expectedAccountEnabled(binding.state));
  result.drift = computeDrift(expected, syncedAttributesOfM365(account), {
    onPremisesSynced: account.onPremisesSyncEnabled,
  });
  const mastered = masteredOnPremises(result.drift);
  if (mastered.length > 0)
    result.note = `mastered by on-premises Active Directory, not fixed: ${mastered.join(', ')}`;
  const patch = patchFor(result.drift);
  for (const [field, to] of Object.entries(patch)) {
    const from = result.drift.find((entry) => entry.field === field)?.m365;
    result.changes.push(change('set-attribute', 'm365', { field, from, to }));
  }
  if (result.changes.length === 0) return result;
  if (!run.fix || run.dryRun) {
    result.outcome = 'planned';
    return result;
  }
  await run.m365.updateUser(account.id, patch, trace);
  await run.context.bindings.transition(binding.userId, [binding.state], {
    lastSynced: { ...syncedAttributesOfM365(account), ...patch },
  });
  result.outcome = 'done';
  return result;
}

async function reconcileChunk(
  run: ReconcileRun,
  bindings: Binding[],
  report: ReconcileReport,
): Promise<void> {
  const users = await run.context.users.findByEmails(bindings.map((binding) => binding.emailLower));
  await Promise.all(
    bindings.map(async (binding) => {
      const user = users.get(binding.emailLower);
      if (user === undefined) return;
      const trace: RequestTrace = { requestIds: [] };
      let result: ReconcileUserResult;
      try {
        result = await reconcileOne(run, binding, user, trace);
      } catch (error) {
        const failure = asDomainError(error, run.context, user.email);
        result = {
          email: user.email,
          outcome: 'failed',
          changes: [],
          drift: [],
          error: errorSummary(failure),
        };
      }
      tally(report, result);
      run.onProgress?.({
        done: report.checked,
        total: Math.max(run.total, report.checked),
        failed: report.failed,
      });
      if (result.outcome === 'done' && !run.dryRun) await auditFix(run, result, trace);
    }),
  );
}

function tally(report: ReconcileReport, result: ReconcileUserResult): void {
  report.checked += 1;
  const missing = result.changes.some((entry) => entry.action === 'mark-missing');
  if (missing) report.missing += 1;
  else if (result.drift.length > 0) report.drifted += 1;
  else if (result.outcome !== 'failed') report.inSync += 1;
  if (result.outcome === 'failed') report.failed += 1;
  if (result.outcome === 'done' && !missing) report.fixed += 1;
  if (missing || result.drift.length > 0 || result.outcome === 'failed') report.results.push(result);
}

async function auditFix(run: ReconcileRun, result: ReconcileUserResult, trace: RequestTrace): Promise<void> {
  await recordTenantEvent(run.context, {
    actor: run.actor,
    action: 'reconcile',
    target: result.email,
    outcome: 'succeeded',
    parameters: {
      changes: result.changes.map((entry) => `${entry.action}${entry.field ? `:${entry.field}` : ''}`),
    },
    graphRequestIds: trace.requestIds,
    detail: result.note ?? null,
  });
}

export async function reconcile(context: EngineContext, options: ReconcileOptions): Promise<ReconcileReport> {
  const { fix, dryRun, actor } = reconcileOptionsSchema.parse(options);
  await requireConnected(context);
  const writes = fix && !dryRun;
  const counts = await context.bindings.countByState();
  const run: ReconcileRun = {
    context,
    fix,
    dryRun,
    actor,
    m365: writes ? context.gateway : context.gateway.dryRun(),
    total: ACCOUNT_STATES.reduce((sum, state) => sum + counts[state], 0),
    onProgress: options.onProgress,
  };
  const report: ReconcileReport = {
    fix,
    dryRun,
    checked: 0,
    inSync: 0,
    drifted: 0,
    fixed: 0,
    missing: 0,
    failed: 0,
    results: [],
  };
  let chunk: Binding[] = [];
  for await (const binding of context.bindings.list({ states: ACCOUNT_STATES })) {
    chunk.push(binding);
    if (chunk.length < context.settings.bulkConcurrency) continue;
    await reconcileChunk(run, chunk, report);
    chunk = [];
  }
  if (chunk.length > 0) await reconcileChunk(run, chunk, report);
  await recordTenantEvent(context, {
    actor,
    action: dryRun ? 'reconcile:dry-run' : 'reconcile',
    outcome: dryRun ? 'planned' : 'succeeded',
    parameters: {
      fix,
      checked: report.checked,
      drifted: report.drifted,
      fixed: report.fixed,
      missing: report.missing,
    },
  });
  return report;
}
