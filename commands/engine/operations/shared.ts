import {
  AddressHeldError,
  DirectoryUserNotFoundError,
  M365UserNotFoundError,
  NotBoundError,
} from '../../errors.js';
import type { EngineContext } from '../context.js';
import { passwordExpiry } from '../password.js';
import type { Binding, BindingState, DirectoryUser } from '../model.js';
import { change } from '../results.js';
import type { UserTask } from '../task.js';

/** Helpers several operations share: loading the subject, its account, and the password bookkeeping. */

/** States in which the user has a Microsoft 365 account the directory controls. */
export const ACCOUNT_STATES: readonly BindingState[] = ['bound', 'blocked', 'suspended-password-expired'];

export async function loadDirectoryUser(task: UserTask): Promise<DirectoryUser> {
  const user = await task.directoryUser();
  if (user === null) throw new DirectoryUserNotFoundError(task.email);
  return user;
}

export async function loadBinding(context: EngineContext, user: DirectoryUser): Promise<Binding> {
  const binding = await context.bindings.get(user.id);
  if (binding === null) throw new NotBoundError(user.email);
  return binding;
}

/** The Microsoft 365 object id of a bound user, or the reason there is none. */
export function accountIdOf(binding: Binding, email: string): string {
  if (binding.state === 'pending-address-release')
    throw new AddressHeldError(email, binding.retryAt ?? undefined);
  if (binding.state === 'missing-in-m365' || binding.m365Id === null) throw new M365UserNotFoundError(email);
  return binding.m365Id;
}

/**
 * Records a password the directory just set (setAt now, expiresAt by the policy) and (re)schedules the
 * expiry job, which replaces any earlier one. With expiry off, any earlier job is cancelled.
 */
export async function recordPasswordSet(
  context: EngineContext,
  task: UserTask,
  user: DirectoryUser,
): Promise<void> {
  const policy = context.settings.passwordPolicy;
  const setAt = context.clock.now();
  const expiresAt = passwordExpiry(setAt, policy);
  task.changes.push(change('record-password', 'directory', { to: { expiresAt } }));
  if (expiresAt !== null)
    task.changes.push(change('schedule-password-expiry', 'directory', { to: expiresAt }));
  if (task.dryRun) return;
  await context.users.setPasswordState(user.id, { setAt, expiresAt, policyVersion: policy.version });
  // An expiry job exists only for a password with an expiry (it is scheduled after the state is recorded).
  const replacesEarlier = (user.password?.expiresAt ?? null) !== null;
  if (expiresAt === null) {
    if (replacesEarlier) await context.jobs.cancelPasswordExpiry(user.id);
  } else await context.jobs.schedulePasswordExpiry(user.id, expiresAt, { replacesEarlier });
}

export function isExpired(user: DirectoryUser, now: Date): boolean {
  const expiresAt = user.password?.expiresAt ?? null;
  return expiresAt !== null && expiresAt.getTime() <= now.getTime();
}

/** 'HH:MM UTC' for plain-language notes. */
export function clockTime(at: Date): string {
  return `${at.toISOString().slice(11, 16)} UTC`;
}
