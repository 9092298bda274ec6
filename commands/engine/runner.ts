import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { InvalidInputError, UnexpectedError } from '../errors.js';
import { recordDryRun } from './audit.js';
import { requireConnected, type EngineContext } from './context.js';
import { createDirectoryPrefetch } from './directory-prefetch.js';
import { emailKey } from './mapping.js';
import { actorSchema, type Actor, type AuditEvent, type OperationUser } from './model.js';
import { errorSummary, totalsOf, type OperationReport, type Progress, type UserResult } from './results.js';
import { processUser, type RunState } from './run-user.js';
import type { UserHandler } from './task.js';

/**
 * The bulk runner every multi-user operation goes through: idempotency key, bounded concurrency, the error
 * policy of the taxonomy, progress events, audit, dry runs and stopping between steps.
 */

export interface RunOptions {
  actor: Actor;
  /** The idempotency key: the same key resumes an interrupted run and never repeats a finished user. */
  operationId?: string;
  /** Return the plan; write nothing to Microsoft 365 or the directory. */
  dryRun?: boolean;
  /** Stops the run between steps (the call then rejects with the signal's reason). */
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

const runOptionsSchema = z.object({
  actor: actorSchema,
  operationId: z.string().trim().min(1).max(200).optional(),
  dryRun: z.boolean().optional(),
});

export interface BulkSpec {
  kind: string;
  emails: readonly string[];
  /** Recorded with the operation and every audit event; never secrets. */
  parameters: Record<string, unknown>;
}

function distinctEmails(emails: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const email of emails) {
    const trimmed = email.trim();
    if (trimmed !== '' && !seen.has(emailKey(trimmed))) seen.set(emailKey(trimmed), trimmed);
  }
  return [...seen.values()];
}

function reportProgress(state: RunState, result: UserResult): void {
  state.progress.done += 1;
  if (result.outcome === 'failed') state.progress.failed += 1;
  state.options.onProgress?.({ ...state.progress });
}

async function runPool(state: RunState, emails: readonly string[]): Promise<(UserResult | undefined)[]> {
  const results: (UserResult | undefined)[] = new Array<UserResult | undefined>(emails.length);
  let next = 0;
  // An abort (or a failure of the bot's own database) ends the whole run: the call rejects with it.
  let fatal: Error | undefined;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (fatal !== undefined || state.stoppedBy !== undefined) return;
      const index = next++;
      const email = emails[index];
      if (email === undefined) return;
      try {
        await state.context.yieldToHost?.();
        state.options.signal?.throwIfAborted();
        const result = await processUser(state, email);
        results[index] = result;
        reportProgress(state, result);
      } catch (error) {
        fatal ??=
          error instanceof Error ? error : new Error('The run stopped unexpectedly.', { cause: error });
        return;
      }
    }
  };
  const width = Math.min(state.context.settings.bulkConcurrency, emails.length);
  await Promise.all(Array.from({ length: width }, worker));
  if (fatal !== undefined) throw fatal;
  return results;
}

async function beginOperation(
  state: RunState,
  emails: string[],
): Promise<{ emails: string[]; resumed: boolean }> {
  const { context, spec, options } = state;
  if (state.operationId === null) return { emails, resumed: false };
  const begun = await context.operations.begin({
    id: state.operationId,
    kind: spec.kind,
    actor: options.actor,
    parameters: spec.parameters,
    emails,
  });
  if (begun.operation.kind !== spec.kind) {
    throw new InvalidInputError(
      `The operation id ${state.operationId} belongs to a "${begun.operation.kind}" operation, not "${spec.kind}".`,
    );
  }
  if (!begun.resumed) return { emails, resumed: false };
  // A resume works on the users recorded when the operation began (spelled as the caller spells them now).
  const recorded = await context.operations.users(state.operationId);
  const audited = await context.audit.outcomesOf(state.operationId, spec.kind);
  for (const user of recorded) state.prior.set(user.emailLower, await settledByAudit(state, user, audited));
  state.interruptedEarlier = begun.operation.status === 'running';
  const spelled = new Map(emails.map((email) => [emailKey(email), email]));
  return { emails: recorded.map((user) => spelled.get(user.emailLower) ?? user.emailLower), resumed: true };
}

/**
 * A user's audit event is written before the user is recorded as settled, so a crash between the two
 * leaves a user whose result is in the audit log only: it is settled now, from there, instead of being
 * processed (and audited) a second time.
 */
async function settledByAudit(
  state: RunState,
  user: OperationUser,
  audited: Map<string, AuditEvent['outcome']>,
): Promise<OperationUser> {
  if (user.outcome === 'done' || user.outcome === 'skipped' || state.operationId === null) return user;
  const event = audited.get(user.emailLower);
  const outcome = event === 'succeeded' ? 'done' : event === 'skipped' ? 'skipped' : undefined;
  if (outcome === undefined) return user;
  await state.context.operations.record(state.operationId, user.emailLower, { result: { outcome } });
  return { ...user, outcome };
}

/** Runs `handler` for every email and reports per user; see RunOptions for the knobs. */
export async function runBulk(
  context: EngineContext,
  spec: BulkSpec,
  options: RunOptions,
  handler: UserHandler,
): Promise<OperationReport> {
  const parsed = runOptionsSchema.parse(options);
  await requireConnected(context);
  const dryRun = parsed.dryRun ?? false;
  const state: RunState = {
    context,
    spec,
    options: { ...options, actor: parsed.actor },
    dryRun,
    operationId: dryRun ? null : (parsed.operationId ?? randomUUID()),
    prior: new Map(),
    interruptedEarlier: false,
    handler,
    stoppedBy: undefined,
    progress: { done: 0, failed: 0, total: 0 },
    directory: createDirectoryPrefetch(context.users, context.bindings, []),
  };
  const begun = await beginOperation(state, distinctEmails(spec.emails));
  state.progress.total = begun.emails.length;
  state.directory = createDirectoryPrefetch(context.users, context.bindings, begun.emails);
  const pooled = await runPool(state, begun.emails);
  const results = begun.emails.map((email, index) => pooled[index] ?? stoppedResult(state, email));
  // A run a stop-run error ended stays 'running': Operations.running() offers it for a resume.
  if (state.operationId !== null && !state.stoppedBy) await context.operations.complete(state.operationId);
  if (dryRun) await recordDryRun(context, spec, state.options.actor, results);
  const report: OperationReport = {
    operationId: state.operationId,
    kind: spec.kind,
    dryRun,
    resumed: begun.resumed,
    results,
    totals: totalsOf(results),
  };
  if (state.stoppedBy) report.stoppedBy = errorSummary(state.stoppedBy);
  return report;
}

/** A user the run never reached because a stop-run error ended it. */
function stoppedResult(state: RunState, email: string): UserResult {
  const reason = state.stoppedBy ?? new UnexpectedError();
  const result: UserResult = { email, outcome: 'failed', changes: [], error: errorSummary(reason) };
  reportProgress(state, result);
  return result;
}

export interface SingleSpec {
  kind: string;
  email: string;
  parameters: Record<string, unknown>;
}

/**
 * One user outside any idempotency key (scheduled jobs): the same error policy, audit and result shape as a
 * bulk run, but nothing is recorded in Operations. Handlers make such runs safe to repeat with conditional
 * transitions instead.
 */
export async function runOne(
  context: EngineContext,
  spec: SingleSpec,
  actor: Actor,
  handler: UserHandler,
): Promise<UserResult> {
  await requireConnected(context);
  const state: RunState = {
    context,
    spec: { kind: spec.kind, emails: [spec.email], parameters: spec.parameters },
    options: { actor },
    dryRun: false,
    operationId: null,
    prior: new Map(),
    interruptedEarlier: false,
    handler,
    stoppedBy: undefined,
    progress: { done: 0, failed: 0, total: 1 },
    directory: createDirectoryPrefetch(context.users, context.bindings, []),
  };
  return processUser(state, spec.email);
}
