import { z } from 'zod';
import { OnPremisesMasteredError } from '../../errors.js';
import type { EngineContext } from '../context.js';
import { generatePassword } from '../password.js';
import { change } from '../results.js';
import { runBulk, type RunOptions } from '../runner.js';
import type { HandlerResult, UserTask } from '../task.js';
import { accountIdOf, loadBinding, loadDirectoryUser, recordPasswordSet } from './shared.js';

/**
 * Password reset: a new password under the directory's policy (which governs Microsoft 365 — the seed) is
 * pushed, sign-in sessions are revoked (the seed: the next directory password update overwrites the one in
 * Microsoft 365 and signs the user out), the password state and expiry job are renewed, and an account
 * suspended for an expired password is re-activated (the seed). The password goes back to the caller only.
 */

export const resetOptionsSchema = z.object({
  /** The user picks their own password at next sign-in (default: the generated one is temporary). */
  forceChangeNextSignIn: z.boolean().default(true),
});
export type ResetOptions = z.input<typeof resetOptionsSchema>;

async function resetOne(
  context: EngineContext,
  task: UserTask,
  forceChange: boolean,
): Promise<HandlerResult> {
  const user = await loadDirectoryUser(task);
  const binding = await loadBinding(context, user);
  const m365Id = accountIdOf(binding, user.email);
  if (binding.onPremisesSynced) throw new OnPremisesMasteredError(user.email, ['the password']);
  const reactivate = binding.state === 'suspended-password-expired';
  task.changes.push(change('set-password', 'm365'), change('revoke-sessions', 'm365'));
  if (reactivate) task.changes.push(change('enable-sign-in', 'm365', { from: false, to: true }));
  if (task.dryRun) {
    await recordPasswordSet(context, task, user);
    return { outcome: 'planned', m365Id };
  }
  const password = generatePassword(context.settings.passwordPolicy);
  await task.steps.run('password', () => task.m365.setPassword(m365Id, password, forceChange, task.trace));
  await task.steps.run('revoke', () => task.m365.revokeSignInSessions(m365Id, task.trace));
  await recordPasswordSet(context, task, user);
  if (reactivate) {
    await task.steps.run('reactivate', () =>
      task.m365.updateUser(m365Id, { accountEnabled: true }, task.trace),
    );
    await context.bindings.transition(user.id, ['suspended-password-expired'], { state: 'bound' });
    task.note = 'the account was suspended for an expired password and is active again';
  }
  return { outcome: 'done', password, m365Id };
}

export function resetPassword(
  context: EngineContext,
  emails: readonly string[],
  options: ResetOptions & RunOptions,
) {
  const { forceChangeNextSignIn } = resetOptionsSchema.parse({
    forceChangeNextSignIn: options.forceChangeNextSignIn,
  });
  return runBulk(
    context,
    { kind: 'reset-password', emails, parameters: { forceChangeNextSignIn } },
    options,
    (task) => resetOne(context, task, forceChangeNextSignIn),
  );
}
