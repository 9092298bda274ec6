import type { EngineContext } from '../context.js';
import { actorSchema, type Actor, type Binding } from '../model.js';
import { change, type UserResult } from '../results.js';
import { runOne } from '../runner.js';
import type { HandlerResult, UserTask } from '../task.js';
import { isExpired } from './shared.js';

/**
 * The password-expiry job: the directory password expired, so the Microsoft 365 account is suspended
 * (accountEnabled false, state suspended-password-expired — the seed). The state moves by a conditional
 * transition before Microsoft 365 is told, so a job that fires twice suspends once; a user unbound or reset
 * since (no binding, or a later expiresAt) is left alone. If the bot stopped (or Microsoft 365 failed) after
 * the state moved, the job's next run finds the state already moved and checks the account: still enabled
 * → it completes the suspension (and reconcile with fix would too: it expects sign-in off in this state).
 */

const SYSTEM_ACTOR: Actor = actorSchema.parse({
  platform: 'system',
  id: 'password-expiry',
  displayName: 'Password expiry',
});

async function expireOne(context: EngineContext, task: UserTask, userId: string): Promise<HandlerResult> {
  const [binding, user] = await Promise.all([context.bindings.get(userId), context.users.findById(userId)]);
  if (binding === null || user === null) {
    task.note = 'not bound any more';
    return { outcome: 'skipped' };
  }
  if (!isExpired(user, context.clock.now())) {
    task.note = 'the password was reset since; it has not expired';
    return { outcome: 'skipped', m365Id: binding.m365Id };
  }
  const wasEnabled = binding.state === 'bound';
  const moved = await context.bindings.transition(userId, ['bound', 'blocked'], {
    state: 'suspended-password-expired',
  });
  if (moved === null) {
    if (binding.state === 'suspended-password-expired') return completeSuspension(task, binding);
    task.note = `nothing to suspend (${binding.state})`;
    return { outcome: 'skipped', m365Id: binding.m365Id };
  }
  if (wasEnabled && binding.m365Id !== null && !binding.onPremisesSynced) {
    const m365Id = binding.m365Id;
    task.changes.push(change('disable-sign-in', 'm365', { from: true, to: false }));
    await task.m365.updateUser(m365Id, { accountEnabled: false }, task.trace);
  }
  if (binding.onPremisesSynced) {
    task.note =
      'suspended in the directory; sign-in of this on-premises account can only be blocked in Active Directory';
  }
  return { outcome: 'done', m365Id: binding.m365Id };
}

/** The state says suspended: make sure Microsoft 365 agrees (an earlier run may have stopped before it). */
async function completeSuspension(task: UserTask, binding: Binding): Promise<HandlerResult> {
  const m365Id = binding.m365Id;
  const account =
    m365Id === null || binding.onPremisesSynced ? null : await task.m365.getUser(m365Id, task.trace);
  if (m365Id === null || account?.accountEnabled !== true) {
    task.note = 'already suspended';
    return { outcome: 'skipped', m365Id };
  }
  task.changes.push(change('disable-sign-in', 'm365', { from: true, to: false }));
  await task.m365.updateUser(m365Id, { accountEnabled: false }, task.trace);
  task.note = 'completed a suspension an earlier run had started';
  return { outcome: 'done', m365Id };
}

export async function expirePassword(context: EngineContext, userId: string): Promise<UserResult> {
  const user = await context.users.findById(userId);
  // A job for a user deleted from the directory since: nothing to suspend, nobody to audit.
  if (user === null)
    return { email: userId, outcome: 'skipped', changes: [], note: 'not in the directory any more' };
  return runOne(
    context,
    { kind: 'password-expiry', email: user.email, parameters: { userId } },
    SYSTEM_ACTOR,
    (task) => expireOne(context, task, userId),
  );
}
