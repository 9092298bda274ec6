import type { CardModelInput, Table } from '../../../cards/model.js';
import type { OperationReport, PlannedChange, UserResult } from '../../engine/results.js';
import { plural } from '../cards.js';
import type { Execution, ExecutionHooks, Plan } from '../command.js';
import type { RequestFailure } from '../model.js';

/**
 * Plan and result cards for the engine's bulk operations (one row per user), shared by import, bind,
 * unbind, block, unblock and password-reset. Passwords never reach these cards: result rows are read field
 * by field and the password field is deliberately not one of them.
 */

const PHRASES: Record<PlannedChange['action'], string> = {
  'create-directory-user': 'add to the directory',
  'create-account': 'create the Microsoft 365 account',
  link: 'bind',
  unlink: 'unbind',
  'set-attribute': 'update',
  'enable-sign-in': 'allow sign-in',
  'disable-sign-in': 'block sign-in',
  'assign-licence': 'assign a licence',
  'send-welcome': 'send the welcome message',
  'set-password': 'set a new password',
  'revoke-sessions': 'sign out of every session',
  'record-password': 'record the password',
  'schedule-password-expiry': 'schedule password expiry',
  'cancel-password-expiry': 'cancel password expiry',
  'wait-for-address-release': 'wait for Microsoft 365 to release the address',
  'mark-missing': 'mark as deleted in Microsoft 365',
};

/** "create the Microsoft 365 account, assign a licence (SPE_E3), update jobTitle, department". */
export function describeChanges(changes: readonly PlannedChange[]): string {
  const phrases: string[] = [];
  const fields = changes.filter((entry) => entry.action === 'set-attribute').map((entry) => entry.field);
  for (const entry of changes) {
    if (entry.action === 'set-attribute') continue;
    const phrase =
      entry.action === 'assign-licence' && typeof entry.to === 'string'
        ? `${PHRASES[entry.action]} (${entry.to})`
        : PHRASES[entry.action];
    if (!phrases.includes(phrase)) phrases.push(phrase);
  }
  if (fields.length > 0) phrases.push(`update ${fields.filter((field) => field !== undefined).join(', ')}`);
  return phrases.join(', ');
}

function planRow(result: UserResult): string[] {
  switch (result.outcome) {
    case 'failed':
      return [result.email, 'will fail', result.error?.message ?? ''];
    case 'skipped':
      return [result.email, 'nothing (skipped)', result.note ?? ''];
    default:
      return [result.email, describeChanges(result.changes) || 'no change', result.note ?? ''];
  }
}

function countsLine(report: OperationReport, future: boolean): string {
  const { totals } = report;
  const change = future ? 'will change' : 'done';
  const fail = future ? 'will fail' : 'failed';
  const changed = future ? totals.planned : totals.done;
  return `${changed} ${change}, ${totals.skipped} skipped, ${totals.failed} ${fail}`;
}

export interface BulkWording {
  /** "Bind", "Block sign-in for". */
  title: string;
}

export function bulkPlan(report: OperationReport, wording: BulkWording): Plan {
  const { totals } = report;
  const title = `${wording.title} ${plural(totals.total, 'user')}`;
  const table: Table = {
    caption: 'What will happen',
    columns: ['User', 'Change', 'Note'],
    rows: report.results.map(planRow),
  };
  const content: CardModelInput = {
    title,
    facts: [
      { label: 'Will change', value: String(totals.planned) },
      { label: 'Skipped', value: String(totals.skipped) },
      { label: 'Will fail', value: String(totals.failed) },
    ],
    tables: [table],
  };
  const summary = `${title}: ${countsLine(report, true)}`;
  const plan: Plan = { content, summary, targets: totals.total };
  if (totals.planned === 0) plan.refusal = 'Nothing would change, so there is nothing to approve.';
  return plan;
}

export function failuresOf(report: OperationReport): RequestFailure[] {
  return report.results
    .filter((result) => result.outcome === 'failed')
    .map((result) => ({
      email: result.email,
      code: result.error?.code ?? 'UNKNOWN',
      message: result.error?.message ?? 'failed',
    }));
}

export function bulkExecution(
  report: OperationReport,
  wording: BulkWording,
  extraNotes: string[] = [],
): Execution {
  const { totals } = report;
  const title = `${wording.title} ${plural(totals.total, 'user')}`;
  const failures = failuresOf(report);
  const skipped = report.results.filter((result) => result.outcome === 'skipped');
  const tables: Table[] = [];
  if (failures.length > 0) {
    tables.push({
      caption: 'Failed',
      columns: ['User', 'Reason'],
      rows: failures.map((failure) => [failure.email, failure.message]),
    });
  }
  if (skipped.length > 0) {
    tables.push({
      caption: 'Skipped',
      columns: ['User', 'Why'],
      rows: skipped.map((result) => [result.email, result.note ?? '']),
    });
  }
  const notes = extraNotes.map((text) => ({ text }));
  if (report.stoppedBy !== undefined) {
    notes.push({ text: `The run stopped early: ${report.stoppedBy.message}` });
  }
  const summary = `${title}: ${countsLine(report, false)}`;
  return {
    content: {
      title,
      facts: [
        { label: 'Done', value: String(totals.done) },
        { label: 'Skipped', value: String(totals.skipped) },
        { label: 'Failed', value: String(totals.failed) },
      ],
      tables,
      notes,
    },
    outcome: { summary, totals: { ...totals }, failures, retryable: true },
    failed: report.stoppedBy !== undefined,
  };
}

/** Rows per private password card: a page that both renderers show whole, so no password is ever cut. */
const PASSWORDS_PER_CARD = 20;

/**
 * New passwords (password-reset, accounts created by bind) go to the requester alone, in private cards, once.
 * Returns the note for the shared card: it never holds a password.
 */
export async function deliverPasswords(report: OperationReport, hooks: ExecutionHooks): Promise<string[]> {
  const rows = report.results.flatMap((result) =>
    result.password === undefined ? [] : [[result.email, result.password]],
  );
  const lost = undeliveredNote(report);
  if (rows.length === 0) return lost;
  let delivered = true;
  for (let start = 0; start < rows.length; start += PASSWORDS_PER_CARD) {
    const chunk = rows.slice(start, start + PASSWORDS_PER_CARD);
    const sent = await hooks.deliverPrivately({
      title: chunk.length === 1 ? 'New password' : 'New passwords',
      tone: 'warning',
      tables: [{ columns: ['User', 'Password'], rows: chunk }],
      notes: [
        {
          text: 'Shown to you only, and only once: pass it on securely. It must be changed at the next sign-in.',
        },
      ],
    });
    delivered &&= sent;
  }
  const users = plural(rows.length, 'user');
  return [
    delivered
      ? `The new password for ${users} was sent to the requester privately.`
      : `The new password for ${users} could not be delivered privately and is not shown here; reset it again to get a new one.`,
    ...lost,
  ];
}

/** Passwords an interrupted earlier run set and never delivered: who needs a reset (never a password). */
function undeliveredNote(report: OperationReport): string[] {
  const emails = report.results.filter((result) => result.passwordUndelivered).map((result) => result.email);
  if (emails.length === 0) return [];
  const shown = emails.slice(0, 20).join(', ');
  const more = emails.length > 20 ? ` and ${String(emails.length - 20)} more` : '';
  return [
    `The run was interrupted after setting the password of ${plural(emails.length, 'user')}, and those passwords never reached anyone: reset them with password-reset (${shown}${more}).`,
  ];
}
