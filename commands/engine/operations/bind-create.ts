import { AddressHeldError, M365UserNotFoundError, UpnConflictError } from '../../errors.js';
import { newM365UserOf, syncedAttributesOf, syncedAttributesOfM365 } from '../mapping.js';
import type { DirectoryUser } from '../model.js';
import { generatePassword } from '../password.js';
import type { M365User } from '../ports.js';
import { change } from '../results.js';
import type { HandlerResult, UserTask } from '../task.js';
import type { BindRun } from './bind.js';
import { assignLicence } from './licence.js';
import { linkAccount, waitForAddress } from './link.js';
import { recordPasswordSet } from './shared.js';
import { sendWelcome } from './welcome.js';

/**
 * Bind, when Microsoft 365 has no account for the email: create it (UPN = email, usage location, an initial
 * password that satisfies the directory's policy and Entra's, change at next sign-in), link it, record the
 * password, assign the licence, send the welcome message.
 */

export const CREATE_STEP = 'create';

/** Whether an earlier attempt of this operation created (or may have created) this user's account. */
export function createdEarlier(task: UserTask): boolean {
  const previous = task.steps.previous(CREATE_STEP);
  return previous === 'started' || previous === 'done';
}

/**
 * Entra does not let deleted users block a new one's UPN; a conflict on an address no active user holds is
 * Exchange keeping the deleted mailbox's address (graph-behaviour §9). The gateway may already say so.
 */
async function isAddressHold(error: unknown, task: UserTask, email: string): Promise<boolean> {
  if (error instanceof AddressHeldError) return true;
  if (!(error instanceof UpnConflictError)) return false;
  return (await task.m365.findUserByEmail(email, task.trace)) === null;
}

async function createAccount(
  run: BindRun,
  task: UserTask,
  user: DirectoryUser,
  password: string,
): Promise<M365User> {
  const usageLocation = user.usageLocation ?? run.context.settings.defaultUsageLocation;
  const request = newM365UserOf(user, usageLocation, password);
  try {
    return await task.steps.run(CREATE_STEP, () => task.m365.createUser(request, task.trace));
  } catch (error) {
    if (await isAddressHold(error, task, user.email)) {
      const waiting = (await run.context.bindings.get(user.id))?.state === 'pending-address-release';
      return waitForAddress(run.context, task, user, run.retry, waiting);
    }
    throw error;
  }
}

export async function bindNewAccount(
  run: BindRun,
  task: UserTask,
  user: DirectoryUser,
): Promise<HandlerResult> {
  if (task.steps.previous(CREATE_STEP) === 'done') throw new M365UserNotFoundError(user.email);
  const password = generatePassword(run.context.settings.passwordPolicy);
  task.changes.push(change('create-account', 'm365', { to: user.email }));
  if (task.dryRun) {
    task.changes.push(change('link', 'directory'));
    await recordPasswordSet(run.context, task, user);
    await assignLicence(run.licences, task, { id: '(new account)', assignedLicenses: [] });
    await sendWelcome(run.context, task, user, true, run.retry.welcome);
    return { outcome: 'planned' };
  }
  const account = await createAccount(run, task, user, password);
  // Graph answers a create with the default property set only: record what was sent instead.
  await linkAccount(run.context, task, user, account, {
    ...syncedAttributesOf(user, true),
    usageLocation: account.usageLocation,
  });
  await recordPasswordSet(run.context, task, user);
  await assignLicence(run.licences, task, account);
  await sendWelcome(run.context, task, user, true, run.retry.welcome);
  return { outcome: 'done', password, m365Id: account.id };
}

/**
 * An earlier, interrupted attempt created the account (verified: it exists now). Its initial password was
 * never stored, so a fresh one is set and returned; the create itself is not repeated.
 */
export async function continueCreatedAccount(
  run: BindRun,
  task: UserTask,
  user: DirectoryUser,
  account: M365User,
): Promise<HandlerResult> {
  if (task.steps.previous(CREATE_STEP) !== 'done') task.steps.markDone(CREATE_STEP);
  await linkAccount(run.context, task, user, account, syncedAttributesOfM365(account));
  const password = generatePassword(run.context.settings.passwordPolicy);
  task.changes.push(change('set-password', 'm365'));
  await task.steps.run('initial-password', () =>
    task.m365.setPassword(account.id, password, true, task.trace),
  );
  await recordPasswordSet(run.context, task, user);
  await assignLicence(run.licences, task, account);
  await sendWelcome(run.context, task, user, true, run.retry.welcome);
  return { outcome: 'done', password, m365Id: account.id };
}
