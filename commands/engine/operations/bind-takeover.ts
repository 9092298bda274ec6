import { computeDrift, masteredOnPremises, patchFor, type FieldDrift } from '../drift.js';
import { syncedAttributesOf, syncedAttributesOfM365 } from '../mapping.js';
import type { DirectoryUser, SyncedAttributes } from '../model.js';
import type { M365User, SyncedPatch } from '../ports.js';
import { change, type PlannedChange } from '../results.js';
import type { HandlerResult, UserTask } from '../task.js';
import type { BindRun } from './bind.js';
import { assignLicence } from './licence.js';
import { linkAccount } from './link.js';
import { sendWelcome } from './welcome.js';

/**
 * Bind, when Microsoft 365 already has an account with the email: take it over — push the directory's
 * attributes (only what differs), unblock it if it was blocked, link it, license it, welcome the user. The
 * user's current password is left alone. For accounts synchronised from on-premises Active Directory nothing
 * on-premises masters is written, and the result says why.
 */

export const UPDATE_STEP = 'update';

function attributeChanges(drift: readonly FieldDrift[]): PlannedChange[] {
  return drift
    .filter((entry) => entry.fixable)
    .map((entry) =>
      entry.field === 'accountEnabled'
        ? change('enable-sign-in', 'm365', { from: false, to: true })
        : change('set-attribute', 'm365', { field: entry.field, from: entry.m365, to: entry.directory }),
    );
}

/** The push, plus a usage location when a licence needs one and neither side has it. */
function takeoverPatch(
  run: BindRun,
  user: DirectoryUser,
  account: M365User,
  drift: readonly FieldDrift[],
): SyncedPatch {
  const patch = patchFor(drift);
  if (run.licences !== null && account.usageLocation === null && user.usageLocation === null) {
    patch.usageLocation = run.context.settings.defaultUsageLocation;
  }
  return patch;
}

function masteredNote(user: DirectoryUser, fields: readonly string[]): string {
  return `${user.email} is synchronised from on-premises Active Directory, so ${fields.join(', ')} ${fields.length === 1 ? 'was' : 'were'} not written (only Active Directory can change ${fields.length === 1 ? 'it' : 'them'})`;
}

export async function takeOverAccount(
  run: BindRun,
  task: UserTask,
  user: DirectoryUser,
  account: M365User,
): Promise<HandlerResult> {
  const actual = syncedAttributesOfM365(account);
  const drift = computeDrift(syncedAttributesOf(user, true), actual, {
    onPremisesSynced: account.onPremisesSyncEnabled,
  });
  const patch = takeoverPatch(run, user, account, drift);
  task.changes.push(...attributeChanges(drift));
  if (patch.usageLocation !== undefined && !drift.some((entry) => entry.field === 'usageLocation')) {
    task.changes.push(
      change('set-attribute', 'm365', { field: 'usageLocation', from: null, to: patch.usageLocation }),
    );
  }
  const mastered = masteredOnPremises(drift);
  if (mastered.length > 0) task.note = masteredNote(user, mastered);
  if (!task.dryRun && Object.keys(patch).length > 0) {
    await task.steps.run(UPDATE_STEP, () => task.m365.updateUser(account.id, patch, task.trace));
  }
  const lastSynced: SyncedAttributes = { ...actual, ...patch };
  await linkAccount(run.context, task, user, account, lastSynced);
  await scheduleKnownExpiry(run, task, user);
  await assignLicence(run.licences, task, account);
  await sendWelcome(run.context, task, user, false, run.retry.welcome);
  return { outcome: task.dryRun ? 'planned' : 'done', m365Id: account.id };
}

/** A directory password still in force keeps governing the account after a re-bind: re-arm its expiry. */
async function scheduleKnownExpiry(run: BindRun, task: UserTask, user: DirectoryUser): Promise<void> {
  const expiresAt = user.password?.expiresAt ?? null;
  if (expiresAt === null) return;
  task.changes.push(change('schedule-password-expiry', 'directory', { to: expiresAt }));
  if (!task.dryRun) await run.context.jobs.schedulePasswordExpiry(user.id, expiresAt);
}
