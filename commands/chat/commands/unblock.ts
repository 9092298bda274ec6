import { z } from 'zod';
import { emailListSchema } from '../arguments.js';
import { defineMutating } from '../command.js';
import { runOptionsOf, withEmails } from './bulk.js';
import { bulkExecution, bulkPlan } from './report.js';

/** unblock <emails>: Allows sign-in again for blocked users. */

const WORDING = { title: 'Unblock sign-in for' };

export const unblock = defineMutating({
  name: 'unblock',
  summary: 'Allows sign-in again for blocked users.',
  usage: 'unblock <emails>',
  example: 'unblock alice@contoso.com',
  role: 'operator',
  options: {},
  schema: z.object({ emails: emailListSchema }),
  input: (line) => ({ emails: line.words }),
  async plan(context, args) {
    const report = await context.engine.unblock(args.emails, { actor: context.actor, dryRun: true });
    return bulkPlan(report, WORDING);
  },
  async execute(context, args, hooks) {
    return bulkExecution(await context.engine.unblock(args.emails, runOptionsOf(hooks)), WORDING);
  },
  retryArgs: withEmails,
});
