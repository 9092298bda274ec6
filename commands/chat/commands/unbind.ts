import { z } from 'zod';
import { emailListSchema } from '../arguments.js';
import { defineMutating } from '../command.js';
import { runOptionsOf, withEmails } from './bulk.js';
import { bulkExecution, bulkPlan } from './report.js';

/** unbind <emails>: Unbinds users: blocks their sign-in in Microsoft 365 and removes the binding. */

const WORDING = { title: 'Unbind' };

export const unbind = defineMutating({
  name: 'unbind',
  summary: 'Unbinds users: blocks their sign-in in Microsoft 365 and removes the binding.',
  usage: 'unbind <emails>',
  example: 'unbind alice@contoso.com',
  role: 'operator',
  options: {},
  schema: z.object({ emails: emailListSchema }),
  input: (line) => ({ emails: line.words }),
  async plan(context, args) {
    const report = await context.engine.unbind(args.emails, { actor: context.actor, dryRun: true });
    return bulkPlan(report, WORDING);
  },
  async execute(context, args, hooks) {
    return bulkExecution(await context.engine.unbind(args.emails, runOptionsOf(hooks)), WORDING);
  },
  retryArgs: withEmails,
});
