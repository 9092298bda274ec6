import { GraphUnavailableError, isDomainError } from '../errors.js';
import type { Actor, OperationUser, StepState } from './model.js';
import type { M365Directory, Operations, RequestTrace } from './ports.js';
import type { PlannedChange } from './results.js';

/**
 * One user's part of a bulk operation: what the per-user handler works with. Handlers record every change
 * they make (or, in a dry run, would make) in `changes`, so a failure half-way still reports what happened.
 */
export interface UserTask {
  /** As the caller spelled it. */
  email: string;
  emailLower: string;
  dryRun: boolean;
  /** The gateway, or its dry-run twin (which refuses every write). */
  m365: M365Directory;
  trace: RequestTrace;
  steps: StepLog;
  actor: Actor;
  operationId: string | null;
  changes: PlannedChange[];
  /** A remark for the result and the audit event. */
  note: string | undefined;
}

/** What a handler returns when it did not fail (failures are thrown DomainErrors). */
export interface HandlerResult {
  outcome: 'done' | 'skipped' | 'planned';
  /** Only for the caller's eyes (never stored, audited or logged). */
  password?: string;
  m365Id?: string | null;
}

export type UserHandler = (task: UserTask) => Promise<HandlerResult>;

/**
 * The steps of one user in one operation, recorded so that a crash never repeats a create or a licence:
 * each step is 'started' before its Microsoft 365 call and 'done' after. A step an earlier attempt left
 * 'started' may or may not have reached Microsoft 365; the handler verifies before repeating it.
 */
export interface StepLog {
  /** The state an earlier attempt of this operation left this step in (undefined: never started). */
  previous(step: string): StepState | undefined;
  /** Whether an earlier attempt touched any step of this user. */
  resumed(): boolean;
  /** started → action → done. The run may be stopped (abort) before the step and after its call. */
  run<T>(step: string, action: () => Promise<T>): Promise<T>;
  /** Records a step as done without running it (verified as already done in Microsoft 365). */
  markDone(step: string): Promise<void>;
  /** Throws the abort reason when the run was stopped. */
  checkpoint(): void;
}

export interface StepLogInput {
  operations: Operations;
  operationId: string | null;
  emailLower: string;
  prior: OperationUser | undefined;
  signal: AbortSignal | undefined;
}

export function createStepLog(input: StepLogInput): StepLog {
  const { operations, operationId, emailLower, prior, signal } = input;
  const recorded = new Map<string, StepState>(Object.entries(prior?.steps ?? {}));
  const record = async (step: string, state: StepState): Promise<void> => {
    if (operationId === null) return;
    await operations.setStep(operationId, emailLower, step, state);
    recorded.set(step, state);
  };
  const checkpoint = (): void => {
    signal?.throwIfAborted();
  };
  return {
    previous: (step) => prior?.steps[step],
    resumed: () => Object.values(prior?.steps ?? {}).some((state) => state !== 'pending'),
    checkpoint,
    markDone: (step) => record(step, 'done'),
    async run(step, action) {
      checkpoint();
      await record(step, 'started');
      let value: Awaited<ReturnType<typeof action>>;
      try {
        value = await action();
      } catch (error) {
        // Microsoft 365 answered "no": the step did not happen and may run again. A lost connection or an
        // outage leaves it 'started' (it may have happened), to be verified before any repeat.
        if (isDomainError(error) && !(error instanceof GraphUnavailableError)) await record(step, 'failed');
        throw error;
      }
      // A stop here leaves the step 'started' although Microsoft 365 already has it: the hardest case a
      // resume must handle, so the crash simulation deliberately produces it.
      checkpoint();
      await record(step, 'done');
      return value;
    },
  };
}
