import { z } from 'zod';
import { emailListSchema } from '../arguments.js';
import { defineMutating } from '../command.js';
import { runOptionsOf, withEmails } from './bulk.js';
import { bulkExecution, bulkPlan } from './report.js';

/** block <emails>: Blocks sign-in (and signs the users out) while they stay bound. */

const WORDING = { title: 'Block sign-in for' };

export const block = defineMutating({
  name: 'block',
  summary: 'Blocks sign-in (and signs the users out) while they stay bound.',
  usage: 'block <emails>',
  example: 'block alice@contoso.com bob@contoso.com',
  role: 'operator',
  options: {},
  schema: z.object({ emails: emailListSchema }),
  input: (line) => ({ emails: line.words }),
  async plan(context, args) {
    const report = await context.engine.block(args.emails, { actor: context.actor, dryRun: true });
    return bulkPlan(report, WORDING);
  },
  async execute(context, args, hooks) {
    return bulkExecution(await context.engine.block(args.emails, runOptionsOf(hooks)), WORDING);
  },
  retryArgs: withEmails,
});
