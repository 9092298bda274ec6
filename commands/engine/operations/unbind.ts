import { M365UserNotFoundError } from '../../errors.js';
import type { EngineContext } from '../context.js';
import { change } from '../results.js';
import { runBulk, type RunOptions } from '../runner.js';
import type { HandlerResult, UserTask } from '../task.js';
import { loadBinding, loadDirectoryUser } from './shared.js';

/**
 * Unbind: blocks sign-in in Microsoft 365 (the seed: unbinding sets the user to "block sign-in"), removes the
 * binding and cancels the password-expiry job. The directory user stays; binding again unblocks (bind's
 * takeover enables the account). Accounts mastered on-premises can only be blocked there: the note says so.
 */

async function blockSignIn(task: UserTask, m365Id: string): Promise<void> {
  try {
    await task.steps.run('block', () => task.m365.updateUser(m365Id, { accountEnabled: false }, task.trace));
  } catch (error) {
    if (!(error instanceof M365UserNotFoundError)) throw error;
    task.changes.pop();
    task.note = 'the account no longer exists in Microsoft 365; only the binding was removed';
  }
}

async function unbindOne(context: EngineContext, task: UserTask): Promise<HandlerResult> {
  const user = await loadDirectoryUser(task);
  const binding = await loadBinding(context, user);
  const m365Id = binding.state === 'missing-in-m365' ? null : binding.m365Id;
  if (m365Id !== null && binding.onPremisesSynced) {
    task.note = `${user.email} is synchronised from on-premises Active Directory, so sign-in can only be blocked there`;
  } else if (m365Id !== null) {
    task.changes.push(change('disable-sign-in', 'm365', { from: true, to: false }));
    if (!task.dryRun) await blockSignIn(task, m365Id);
  }
  task.changes.push(change('unlink', 'directory', { from: binding.m365Id }));
  task.changes.push(change('cancel-password-expiry', 'directory'));
  if (task.dryRun) return { outcome: 'planned', m365Id };
  await context.bindings.remove(user.id);
  await context.jobs.cancelPasswordExpiry(user.id);
  await context.jobs.cancelAddressReleaseRetry(user.id);
  return { outcome: 'done', m365Id };
}

export function unbind(context: EngineContext, emails: readonly string[], options: RunOptions) {
  return runBulk(context, { kind: 'unbind', emails, parameters: {} }, options, (task) =>
    unbindOne(context, task),
  );
}
