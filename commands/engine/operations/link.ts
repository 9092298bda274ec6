import { AddressHeldError } from '../../errors.js';
import type { EngineContext } from '../context.js';
import type { Binding, DirectoryUser, SyncedAttributes } from '../model.js';
import type { M365User } from '../ports.js';
import { change } from '../results.js';
import type { UserTask } from '../task.js';
import { clockTime } from './shared.js';

/** Binding records: link a directory user to its account, or park it while Microsoft 365 holds the address. */

/** States bind may move on from (the account is being made or remade). */
const RELINKABLE: Binding['state'][] = ['pending-address-release', 'missing-in-m365', 'bound'];

async function upsertBinding(
  context: EngineContext,
  task: UserTask,
  user: DirectoryUser,
  fields: Pick<
    Binding,
    'm365Id' | 'userPrincipalName' | 'state' | 'onPremisesSynced' | 'lastSynced' | 'retryAt'
  >,
): Promise<void> {
  const now = context.clock.now();
  const created = await context.bindings.create({
    userId: user.id,
    emailLower: user.emailLower,
    ...fields,
    boundBy: task.actor,
    boundAt: now,
  });
  if (created !== null) return;
  await context.bindings.transition(user.id, RELINKABLE, fields);
}

export async function linkAccount(
  context: EngineContext,
  task: UserTask,
  user: DirectoryUser,
  account: M365User,
  lastSynced: SyncedAttributes,
): Promise<void> {
  task.changes.push(change('link', 'directory', { to: account.id }));
  if (task.dryRun) return;
  // No step record: the binding itself is the record (create-or-transition is safe to repeat).
  task.steps.checkpoint();
  await upsertBinding(context, task, user, {
    m365Id: account.id,
    userPrincipalName: account.userPrincipalName,
    state: 'bound',
    onPremisesSynced: account.onPremisesSyncEnabled,
    lastSynced,
    retryAt: null,
  });
}

export interface AddressRetryOptions {
  licenceSku?: string;
  welcome: boolean;
}

/**
 * Microsoft 365 still holds the address after a recent delete: the binding waits (pending-address-release)
 * and a job retries when the hold should have ended. The first wait is the configured hold; a retry that
 * finds the address still held checks again after a twenty-fourth of it (an hour by default), because the
 * hold started at the delete, not at the first attempt. Throws the AddressHeldError the admin sees.
 */
export async function waitForAddress(
  context: EngineContext,
  task: UserTask,
  user: DirectoryUser,
  retry: AddressRetryOptions,
  alreadyWaiting: boolean,
): Promise<never> {
  const hold = context.settings.addressHoldWaitMs;
  const delay = alreadyWaiting ? Math.max(Math.round(hold / 24), 1000) : hold;
  const retryAt = new Date(context.clock.now().getTime() + delay);
  task.changes.push(change('wait-for-address-release', 'directory', { to: retryAt }));
  await upsertBinding(context, task, user, {
    m365Id: null,
    userPrincipalName: user.email,
    state: 'pending-address-release',
    onPremisesSynced: false,
    lastSynced: null,
    retryAt,
  });
  await context.jobs.scheduleAddressReleaseRetry(user.id, retryAt, retry);
  task.note = `binding waits for Microsoft 365 to release the address; retrying automatically at ${clockTime(retryAt)}`;
  throw new AddressHeldError(user.email, retryAt);
}
