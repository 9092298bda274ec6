import { z } from 'zod';
import { ArgumentError, emailSchema } from '../arguments.js';
import { defineMutating } from '../command.js';
import { runOptionsOf } from './bulk.js';
import { bulkExecution, bulkPlan, deliverPasswords } from './report.js';

/**
 * password-reset <email>: a new password under the directory's policy, pushed to Microsoft 365 (which also
 * re-activates an account suspended for an expired password — the seed). The password is shown once, to the
 * requester only, in a private message; the conversation's card only says it was sent privately. A run that
 * resumes after a crash cannot show it again (it was never stored): the card says to reset once more.
 */

const WORDING = { title: 'Reset the password of' };

export const passwordReset = defineMutating({
  name: 'password-reset',
  summary: 'Sets a new password and shows it only to you, privately.',
  usage: 'password-reset <email>',
  example: 'password-reset alice@contoso.com',
  role: 'operator',
  options: {},
  schema: z.object({ email: emailSchema }),
  input: (line) => {
    if (line.words.length === 0) throw new ArgumentError('Name the user by e-mail address.');
    if (line.words.length > 1) throw new ArgumentError('password-reset takes one user at a time.');
    return { email: line.words[0] ?? '' };
  },
  async plan(context, args) {
    const report = await context.engine.resetPassword([args.email], { actor: context.actor, dryRun: true });
    const plan = bulkPlan(report, WORDING);
    plan.content.notes = [{ text: 'The new password will be shown to the requester only, privately, once.' }];
    return plan;
  },
  async execute(context, args, hooks) {
    const report = await context.engine.resetPassword([args.email], runOptionsOf(hooks));
    const notes = await deliverPasswords(report, hooks);
    const resumed = report.results.some(
      (result) => result.outcome === 'done' && result.password === undefined,
    );
    if (resumed) {
      notes.push(
        'The password was set before an interruption and cannot be shown again; run password-reset once more for a new one.',
      );
    }
    return bulkExecution(report, WORDING, notes);
  },
  retryArgs: (_args, emails) => ({ email: emails[0] ?? '' }),
});
