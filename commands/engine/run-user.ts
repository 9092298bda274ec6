import { isDomainError, UnexpectedError, type DomainError } from '../errors.js';
import { recordUserResult } from './audit.js';
import type { EngineContext } from './context.js';
import type { DirectoryPrefetch } from './directory-prefetch.js';
import { emailKey } from './mapping.js';
import type { OperationUser, StepState } from './model.js';
import { errorSummary, type Progress, type UserResult } from './results.js';
import type { BulkSpec, RunOptions } from './runner.js';
import { createStepLog, type UserHandler, type UserTask } from './task.js';

/**
 * One user's turn in a bulk run (runner.ts): the handler with the taxonomy's error policy ('retry' tried
 * again after its retry-after, 'stop-run' ends the run, the rest reported for this user), then its audit
 * event and its progress record.
 */

export interface RunState {
  context: EngineContext;
  spec: BulkSpec;
  options: RunOptions;
  dryRun: boolean;
  operationId: string | null;
  prior: Map<string, OperationUser>;
  /** The earlier run of this operation stopped before it finished (so its results reached nobody). */
  interruptedEarlier: boolean;
  handler: UserHandler;
  stoppedBy: DomainError | undefined;
  progress: Progress;
  directory: DirectoryPrefetch;
}

export function asDomainError(error: unknown, context: EngineContext, email: string): DomainError {
  if (isDomainError(error)) return error;
  context.logger.error({ err: error, email }, 'unexpected failure in an engine operation');
  return new UnexpectedError({ cause: error });
}

function makeTask(state: RunState, email: string, prior: OperationUser | undefined): UserTask {
  const emailLower = emailKey(email);
  const { context, dryRun, operationId } = state;
  return {
    email,
    emailLower,
    dryRun,
    m365: dryRun ? context.gateway.dryRun() : context.gateway,
    trace: { requestIds: [] },
    steps: createStepLog({
      operations: context.operations,
      operationId,
      emailLower,
      prior,
      signal: state.options.signal,
      beforeStep: context.yieldToHost,
    }),
    actor: state.options.actor,
    directoryUser: () => state.directory.get(email),
    currentBinding: (user) => state.directory.binding(user),
    operationId,
    changes: [],
    note: undefined,
  };
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && (error === signal.reason || !isDomainError(error));
}

/** Attempts of one user while its failures say 'retry' (throttling, a transient outage, a busy record). */
const USER_ATTEMPTS = 3;
const MAX_RETRY_WAIT_MS = 30_000;

const sleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });

function retryWaitMs(failure: DomainError, attempt: number): number {
  const asked = 'retryAfterMs' in failure ? failure.retryAfterMs : undefined;
  const wait = typeof asked === 'number' ? asked : 1000 * 2 ** attempt;
  return Math.min(MAX_RETRY_WAIT_MS, wait + Math.random() * 250);
}

interface Attempt {
  task: UserTask;
  result: UserResult;
  m365Id: string | null | undefined;
  failure: DomainError | undefined;
}

async function attemptUser(
  state: RunState,
  email: string,
  prior: OperationUser | undefined,
): Promise<Attempt> {
  const task = makeTask(state, email, prior);
  try {
    const outcome = await state.handler(task);
    const result: UserResult = { email, outcome: outcome.outcome, changes: task.changes };
    if (outcome.password !== undefined) result.password = outcome.password;
    return { task, result, m365Id: outcome.m365Id, failure: undefined };
  } catch (error) {
    if (isAbort(error, state.options.signal)) throw error;
    const failure = asDomainError(error, state.context, email);
    task.trace.requestIds.push(...failure.requestIds);
    const result: UserResult = {
      email,
      outcome: 'failed',
      changes: task.changes,
      error: errorSummary(failure),
    };
    return { task, result, m365Id: undefined, failure };
  }
}

/**
 * Runs the handler; a failure whose policy is 'retry' is tried again (after its retry-after) before it is
 * reported, and each new attempt knows the steps the last one reached, so it verifies rather than repeats.
 */
async function runUser(state: RunState, email: string): Promise<Attempt> {
  let prior = state.prior.get(emailKey(email));
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await attemptUser(state, email, prior);
    const { failure } = outcome;
    if (failure?.policy !== 'retry' || attempt >= USER_ATTEMPTS || state.dryRun) return outcome;
    // The failed attempt's step outcomes go to the database now, as its resume would find them.
    await writeProgress(state, outcome.task, outcome.result, undefined, false);
    prior = withSteps(prior, email, outcome.task.steps.states());
    await sleep(retryWaitMs(failure, attempt), state.options.signal);
  }
}

function withSteps(
  prior: OperationUser | undefined,
  email: string,
  steps: Record<string, StepState>,
): OperationUser {
  const base: OperationUser = prior ?? {
    operationId: '',
    emailLower: emailKey(email),
    steps: {},
    outcome: 'pending',
    m365Id: null,
    errorCode: null,
    errorMessage: null,
  };
  return { ...base, steps: { ...base.steps, ...steps } };
}

/** Steps that set a password only their own run's result carries. */
const PASSWORD_STEPS = ['create', 'initial-password', 'password'];

/** A user an earlier, interrupted run of this operation settled. */
function completedEarlier(email: string, previous: OperationUser, interrupted: boolean): UserResult {
  const result: UserResult = {
    email,
    outcome: previous.outcome === 'skipped' ? 'skipped' : 'done',
    changes: [],
    note: 'completed by an earlier run of this operation',
  };
  // 'started' counts too: the user is settled, so every step it started went through (its 'done' may
  // have been held back for the write the interruption cut off).
  const setPassword = PASSWORD_STEPS.some((step) => ['done', 'started'].includes(previous.steps[step] ?? ''));
  if (interrupted && previous.outcome === 'done' && setPassword) {
    result.passwordUndelivered = true;
    result.note =
      'completed by an earlier run of this operation, which was interrupted before its new password reached anyone: reset it with password-reset';
  }
  return result;
}

export async function processUser(state: RunState, email: string): Promise<UserResult> {
  const previous = state.prior.get(emailKey(email));
  if (previous && (previous.outcome === 'done' || previous.outcome === 'skipped')) {
    return completedEarlier(email, previous, state.interruptedEarlier);
  }
  const { task, result, m365Id, failure } = await runUser(state, email);
  // A stop-run failure is the run's, not this user's: the user stays pending so a resume retries it.
  const stopsRun = failure?.policy === 'stop-run';
  if (stopsRun) state.stoppedBy ??= failure;
  if (task.note !== undefined) result.note = task.note;
  // The audit event before the user is recorded as settled: a crash between the two repeats the user (and
  // its event) on resume, where the other order would skip a settled user whose event was never written.
  if (!state.dryRun) {
    await recordUserResult(
      state.context,
      state.spec,
      state.options.actor,
      state.operationId,
      result,
      task.trace.requestIds,
    );
  }
  await writeProgress(state, task, result, m365Id, !stopsRun);
  return result;
}

/** One write: the step outcomes the task still holds and, when the user is settled, its result. */
async function writeProgress(
  state: RunState,
  task: UserTask,
  result: UserResult,
  m365Id: string | null | undefined,
  settled: boolean,
): Promise<void> {
  const { context, operationId } = state;
  if (operationId === null) return;
  const steps = task.steps.takeUnwritten();
  const { outcome } = result;
  await context.operations.record(operationId, emailKey(result.email), {
    ...(Object.keys(steps).length > 0 ? { steps } : {}),
    ...(settled && outcome !== 'planned'
      ? {
          result: {
            outcome,
            ...(m365Id === undefined ? {} : { m365Id }),
            errorCode: result.error?.code ?? null,
            errorMessage: result.error?.message ?? null,
          },
        }
      : {}),
  });
}
