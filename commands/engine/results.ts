import type { DomainError } from '../errors.js';

/**
 * What operations report: per user, what happened (or, in a dry run, what would happen) and why. Never
 * all-or-nothing: one user's failure is that user's row.
 */

export type ChangeAction =
  | 'create-directory-user'
  | 'create-account'
  | 'link'
  | 'unlink'
  | 'set-attribute'
  | 'enable-sign-in'
  | 'disable-sign-in'
  | 'assign-licence'
  | 'send-welcome'
  | 'set-password'
  | 'revoke-sessions'
  | 'record-password'
  | 'schedule-password-expiry'
  | 'cancel-password-expiry'
  | 'wait-for-address-release'
  | 'mark-missing';

/** One change to Microsoft 365 or the directory. Passwords never appear in `from` / `to`. */
export interface PlannedChange {
  action: ChangeAction;
  target: 'm365' | 'directory';
  /** The attribute, for set-attribute. */
  field?: string;
  from?: unknown;
  to?: unknown;
}

export type UserOutcome = 'done' | 'failed' | 'skipped' | 'planned';

export interface UserResult {
  email: string;
  outcome: UserOutcome;
  changes: PlannedChange[];
  error?: { code: string; message: string };
  /** A plain-language remark (why something was skipped, not written, or will happen later). */
  note?: string;
  /** Only in the caller's result of a password reset or account creation; never stored or logged. */
  password?: string;
  /**
   * An earlier, interrupted run of this operation set this user's password (created the account, or reset
   * it) and its result never reached anyone: the password is unknown and must be reset.
   */
  passwordUndelivered?: true;
}

export interface Totals {
  total: number;
  done: number;
  failed: number;
  skipped: number;
  planned: number;
}

export interface OperationReport {
  /** The idempotency key; null for dry runs (nothing is recorded). */
  operationId: string | null;
  kind: string;
  dryRun: boolean;
  /** True when this call continued an earlier, interrupted run with the same key. */
  resumed: boolean;
  results: UserResult[];
  totals: Totals;
  /** Set when a stop-run error ended the run early: every user not yet processed failed with it. */
  stoppedBy?: { code: string; message: string };
}

export interface Progress {
  /** Users finished so far (any outcome). */
  done: number;
  total: number;
  /** Failures so far. */
  failed: number;
}

export function totalsOf(results: readonly UserResult[]): Totals {
  const totals: Totals = { total: results.length, done: 0, failed: 0, skipped: 0, planned: 0 };
  for (const result of results) totals[result.outcome] += 1;
  return totals;
}

export function errorSummary(error: DomainError): { code: string; message: string } {
  return { code: error.code, message: error.message };
}

export function change(
  action: ChangeAction,
  target: PlannedChange['target'],
  details: Omit<PlannedChange, 'action' | 'target'> = {},
): PlannedChange {
  return { action, target, ...details };
}
