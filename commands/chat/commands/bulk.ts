import type { RunOptions } from '../../engine/runner.js';
import type { ExecutionHooks } from '../command.js';

/** The engine's run options for an approved request: its id is the idempotency key. */
export function runOptionsOf(hooks: ExecutionHooks): RunOptions {
  return {
    actor: hooks.actor,
    operationId: hooks.operationId,
    signal: hooks.signal,
    onProgress: hooks.onProgress,
  };
}

/** The same arguments for only the failed users ("Retry failed"). */
export function withEmails<Args extends { emails: string[] }>(args: Args, emails: readonly string[]): Args {
  return { ...args, emails: [...emails] };
}
