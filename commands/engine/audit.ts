import type { EngineContext } from './context.js';
import type { Actor, AuditEvent } from './model.js';
import type { UserResult } from './results.js';

/**
 * Audit events the engine writes: who did what to whom, with which parameters (never secrets), the Graph
 * request ids involved, and the outcome. Values only: passwords never reach this module (UserResult's
 * password field is deliberately not read here).
 */

const OUTCOME: Record<UserResult['outcome'], AuditEvent['outcome']> = {
  done: 'succeeded',
  failed: 'failed',
  skipped: 'skipped',
  planned: 'planned',
};

/** 'set-attribute:jobTitle', 'create-account', … — what changed, without values. */
export function changeSummary(result: UserResult): string[] {
  return result.changes.map((entry) => (entry.field ? `${entry.action}:${entry.field}` : entry.action));
}

export interface AuditedRun {
  kind: string;
  parameters: Record<string, unknown>;
}

export async function recordUserResult(
  context: EngineContext,
  run: AuditedRun,
  actor: Actor,
  operationId: string | null,
  result: UserResult,
  requestIds: readonly string[],
): Promise<void> {
  await context.audit.append({
    actor,
    action: run.kind,
    target: result.email,
    parameters: { ...run.parameters, changes: changeSummary(result) },
    graphRequestIds: [...new Set(requestIds)],
    outcome: OUTCOME[result.outcome],
    detail: result.error ? `${result.error.code}: ${result.error.message}` : (result.note ?? null),
    operationId,
  });
}

/** A dry run writes one summary event (outcome 'planned') and nothing else. */
export async function recordDryRun(
  context: EngineContext,
  run: AuditedRun,
  actor: Actor,
  results: readonly UserResult[],
): Promise<void> {
  const planned = results.filter((result) => result.outcome === 'planned').length;
  const failing = results.filter((result) => result.outcome === 'failed').length;
  await context.audit.append({
    actor,
    action: `${run.kind}:dry-run`,
    target: null,
    parameters: { ...run.parameters, users: results.length, planned, failing },
    graphRequestIds: [],
    outcome: 'planned',
    detail: `dry run: ${planned} of ${results.length} users would change`,
    operationId: null,
  });
}

/** A tenant-wide action (connect, deactivate, reconcile summary). */
export async function recordTenantEvent(
  context: EngineContext,
  event: Pick<AuditEvent, 'actor' | 'action' | 'outcome'> &
    Partial<Pick<AuditEvent, 'parameters' | 'graphRequestIds' | 'detail' | 'target'>>,
): Promise<void> {
  await context.audit.append({
    actor: event.actor,
    action: event.action,
    target: event.target ?? null,
    parameters: event.parameters ?? {},
    graphRequestIds: event.graphRequestIds ?? [],
    outcome: event.outcome,
    detail: event.detail ?? null,
    operationId: null,
  });
}
