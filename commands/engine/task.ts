import { GraphUnavailableError, isDomainError } from '../errors.js';
import type { Actor, Binding, DirectoryUser, OperationUser, StepState } from './model.js';
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
  /** This user's directory record (read with its neighbours in the run: see directory-prefetch.ts). */
  directoryUser: () => Promise<DirectoryUser | null>;
  /** That user's binding (read with its neighbours too: see directory-prefetch.ts). */
  currentBinding: (user: DirectoryUser) => Promise<Binding | null>;
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
 *
 * Only 'started' is written before the work goes on; an outcome ('done', 'failed') is held back and written
 * with the next write of this user (the next step's 'started', or the user's result). Losing it in a crash
 * leaves 'started', which every step verifies anyway, so correctness needs nothing more and a created,
 * licensed user costs three writes instead of five.
 */
export interface StepLog {
  /** The state an earlier attempt of this operation left this step in (undefined: never started). */
  previous(step: string): StepState | undefined;
  /** Whether an earlier attempt touched any step of this user. */
  resumed(): boolean;
  /** started → action → done. The run may be stopped (abort) before the step and after its call. */
  run<T>(step: string, action: () => Promise<T>): Promise<T>;
  /** Records a step as done without running it (verified as already done in Microsoft 365). */
  markDone(step: string): void;
  /** Throws the abort reason when the run was stopped. */
  checkpoint(): void;
  /** The step outcomes not yet written; the caller writes them with the user's result. */
  takeUnwritten(): Record<string, StepState>;
  /** Every step state this attempt reached (written or not). */
  states(): Record<string, StepState>;
}

export interface StepLogInput {
  operations: Operations;
  operationId: string | null;
  emailLower: string;
  prior: OperationUser | undefined;
  signal: AbortSignal | undefined;
  /** Awaited before each step (EngineDeps.yieldToHost). */
  beforeStep?: (() => Promise<void>) | undefined;
}

export function createStepLog(input: StepLogInput): StepLog {
  const { operations, operationId, emailLower, prior, signal, beforeStep } = input;
  let unwritten: Record<string, StepState> = {};
  const reached: Record<string, StepState> = {};
  const takeUnwritten = (): Record<string, StepState> => {
    const taken = unwritten;
    unwritten = {};
    return taken;
  };
  const hold = (step: string, state: StepState): void => {
    reached[step] = state;
    if (operationId !== null) unwritten[step] = state;
  };
  const start = async (step: string): Promise<void> => {
    reached[step] = 'started';
    if (operationId === null) return;
    await operations.record(operationId, emailLower, { steps: { ...takeUnwritten(), [step]: 'started' } });
  };
  const checkpoint = (): void => {
    signal?.throwIfAborted();
  };
  return {
    previous: (step) => prior?.steps[step],
    resumed: () => Object.values(prior?.steps ?? {}).some((state) => state !== 'pending'),
    checkpoint,
    markDone: (step) => {
      hold(step, 'done');
    },
    takeUnwritten,
    states: () => ({ ...reached }),
    async run(step, action) {
      await beforeStep?.();
      checkpoint();
      await start(step);
      let value: Awaited<ReturnType<typeof action>>;
      try {
        value = await action();
      } catch (error) {
        // Microsoft 365 answered "no": the step did not happen and may run again. A lost connection or an
        // outage leaves it 'started' (it may have happened), to be verified before any repeat.
        if (isDomainError(error) && !(error instanceof GraphUnavailableError)) hold(step, 'failed');
        throw error;
      }
      // A stop here leaves the step 'started' although Microsoft 365 already has it: the hardest case a
      // resume must handle, so the crash simulation deliberately produces it.
      checkpoint();
      hold(step, 'done');
      return value;
    },
  };
}
