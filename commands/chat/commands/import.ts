import { z } from 'zod';
import { emailArraySchema, hasFlag } from '../arguments.js';
import { defineMutating } from '../command.js';
import { runOptionsOf } from './bulk.js';
import { bulkExecution, bulkPlan } from './report.js';

/**
 * import <emails | --all-new>: adds Microsoft 365 users to the directory. The plan of --all-new lists the new
 * users by address and exactly those are imported after approval, so the card states what will run even if
 * Microsoft 365 changes in between.
 */

const schema = z.object({ emails: emailArraySchema, allNew: z.boolean() }).superRefine((args, context) => {
  if (args.allNew && args.emails.length > 0) {
    context.addIssue({ code: 'custom', message: 'Name users by e-mail address or use --all-new, not both' });
  }
  if (!args.allNew && args.emails.length === 0) {
    context.addIssue({
      code: 'custom',
      message: 'Name at least one user by e-mail address, or use --all-new',
    });
  }
});

const WORDING = { title: 'Import' };

export const importUsers = defineMutating({
  name: 'import',
  summary: 'Imports Microsoft 365 users into the directory.',
  usage: 'import <emails | --all-new>',
  example: 'import alice@contoso.com, bob@contoso.com',
  role: 'operator',
  options: { 'all-new': 'flag' },
  schema,
  input: (line) => ({ emails: line.words, allNew: hasFlag(line, 'all-new') }),
  async plan(context, args) {
    const selection = args.allNew ? { allNew: true as const } : { emails: args.emails };
    const report = await context.engine.import(selection, { actor: context.actor, dryRun: true });
    const plan = bulkPlan(report, WORDING);
    if (args.allNew) {
      const planned = report.results.filter((result) => result.outcome === 'planned');
      plan.args = { emails: planned.map((result) => result.email), allNew: false };
    }
    return plan;
  },
  async execute(context, args, hooks) {
    // An approved import always names its users: --all-new was resolved to addresses when planning.
    const report = await context.engine.import({ emails: args.emails }, runOptionsOf(hooks));
    return bulkExecution(report, WORDING);
  },
  retryArgs: (_args, emails) => ({ emails: [...emails], allNew: false }),
});
