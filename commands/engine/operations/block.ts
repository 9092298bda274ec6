import { OnPremisesMasteredError } from '../../errors.js';
import type { EngineContext } from '../context.js';
import type { Binding, BindingState } from '../model.js';
import { change } from '../results.js';
import { runBulk, type RunOptions } from '../runner.js';
import type { HandlerResult, UserTask } from '../task.js';
import { accountIdOf, isExpired, loadBinding, loadDirectoryUser } from './shared.js';

/**
 * Block / unblock: sign-in off or on while the user stays bound; block also revokes sign-in sessions. The
 * binding's state moves first (a conditional transition), then Microsoft 365 follows; if Microsoft 365 refuses,
 * the state moves back. So the directory never claims less than the admin asked for, and reconcile, which
 * derives accountEnabled from the state, finishes the job after a crash.
 */

async function moveThen(
  context: EngineContext,
  binding: Binding,
  to: BindingState,
  apply: () => Promise<void>,
): Promise<boolean> {
  const moved = await context.bindings.transition(binding.userId, [binding.state], { state: to });
  if (moved === null) return false;
  try {
    await apply();
    return true;
  } catch (error) {
    await context.bindings.transition(binding.userId, [to], { state: binding.state });
    throw error;
  }
}

async function subject(context: EngineContext, task: UserTask) {
  const user = await loadDirectoryUser(task);
  const binding = await loadBinding(context, user);
  return { user, binding };
}

async function blockOne(context: EngineContext, task: UserTask): Promise<HandlerResult> {
  const { user, binding } = await subject(context, task);
  if (binding.state === 'blocked') {
    task.note = 'already blocked';
    return { outcome: 'skipped', m365Id: binding.m365Id };
  }
  const m365Id = accountIdOf(binding, user.email);
  if (binding.onPremisesSynced) throw new OnPremisesMasteredError(user.email, ['sign-in (accountEnabled)']);
  task.changes.push(change('disable-sign-in', 'm365', { from: binding.state === 'bound', to: false }));
  task.changes.push(change('revoke-sessions', 'm365'));
  if (task.dryRun) return { outcome: 'planned', m365Id };
  const done = await moveThen(context, binding, 'blocked', async () => {
    await task.steps.run('block', () => task.m365.updateUser(m365Id, { accountEnabled: false }, task.trace));
    await task.steps.run('revoke', () => task.m365.revokeSignInSessions(m365Id, task.trace));
  });
  if (!done) task.note = 'the binding changed meanwhile; nothing was done';
  return { outcome: done ? 'done' : 'skipped', m365Id };
}

async function unblockOne(context: EngineContext, task: UserTask): Promise<HandlerResult> {
  const { user, binding } = await subject(context, task);
  if (binding.state !== 'blocked') {
    task.note = `not blocked (${binding.state})`;
    return { outcome: 'skipped', m365Id: binding.m365Id };
  }
  const m365Id = accountIdOf(binding, user.email);
  if (binding.onPremisesSynced) throw new OnPremisesMasteredError(user.email, ['sign-in (accountEnabled)']);
  if (isExpired(user, context.clock.now())) {
    // Unblocking must not bypass an expired password: the account stays off until a reset (the seed).
    task.note = 'the password has expired meanwhile: the account stays suspended until the password is reset';
    if (task.dryRun) return { outcome: 'planned', m365Id };
    await context.bindings.transition(user.id, ['blocked'], { state: 'suspended-password-expired' });
    return { outcome: 'done', m365Id };
  }
  task.changes.push(change('enable-sign-in', 'm365', { from: false, to: true }));
  if (task.dryRun) return { outcome: 'planned', m365Id };
  const done = await moveThen(context, binding, 'bound', () =>
    task.steps.run('unblock', () => task.m365.updateUser(m365Id, { accountEnabled: true }, task.trace)),
  );
  if (!done) task.note = 'the binding changed meanwhile; nothing was done';
  return { outcome: done ? 'done' : 'skipped', m365Id };
}

export function block(context: EngineContext, emails: readonly string[], options: RunOptions) {
  return runBulk(context, { kind: 'block', emails, parameters: {} }, options, (task) =>
    blockOne(context, task),
  );
}

export function unblock(context: EngineContext, emails: readonly string[], options: RunOptions) {
  return runBulk(context, { kind: 'unblock', emails, parameters: {} }, options, (task) =>
    unblockOne(context, task),
  );
}
