import type { EngineContext } from '../context.js';
import { actorSchema, type Actor } from '../model.js';
import { change, type UserResult } from '../results.js';
import { runOne } from '../runner.js';
import type { HandlerResult, UserTask } from '../task.js';
import { isExpired } from './shared.js';

/**
 * The password-expiry job: the directory password expired, so the Microsoft 365 account is suspended
 * (accountEnabled false, state suspended-password-expired — the seed). The state moves by a conditional
 * transition before Microsoft 365 is told, so a job that fires twice suspends once; a user unbound or reset
 * since (no binding, or a later expiresAt) is left alone. If Microsoft 365 fails after the state moved, the
 * account is disabled by the next reconcile with fix (it expects sign-in off in this state).
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
