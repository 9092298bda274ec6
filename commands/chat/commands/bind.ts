import { z } from 'zod';
import { emailListSchema, hasFlag, optionValue } from '../arguments.js';
import { defineMutating } from '../command.js';
import { runOptionsOf, withEmails } from './bulk.js';
import { bulkExecution, bulkPlan, deliverPasswords } from './report.js';

/**
 * bind <emails> [--license SKU] [--no-welcome]: puts directory users in charge of their Microsoft 365
 * accounts (taking an existing one over, or creating it). The seed sends a welcome message on every bind;
 * --no-welcome suppresses it for this bind. Initial passwords of new accounts go to the requester privately.
 */

const WORDING = { title: 'Bind' };

export const bind = defineMutating({
  name: 'bind',
  summary: 'Binds users to Microsoft 365 (creates or takes over their accounts).',
  usage: 'bind <emails> [--license SKU] [--no-welcome]',
  example: 'bind alice@contoso.com, bob@contoso.com --license SPE_E3 --no-welcome',
  role: 'operator',
  options: { license: 'value', licence: 'value', 'no-welcome': 'flag' },
  schema: z.object({
    emails: emailListSchema,
    licenceSku: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,100}$/, '--license needs a SKU such as SPE_E3 or its id')
      .optional(),
    welcome: z.boolean(),
  }),
  input: (line) => {
    const licenceSku = optionValue(line, 'license') ?? optionValue(line, 'licence');
    return {
      emails: line.words,
      ...(licenceSku === undefined ? {} : { licenceSku }),
      welcome: !hasFlag(line, 'no-welcome'),
    };
  },
  async plan(context, args) {
    const report = await context.engine.bind(args.emails, {
      licenceSku: args.licenceSku,
      welcome: args.welcome,
      actor: context.actor,
      dryRun: true,
    });
    return bulkPlan(report, WORDING);
  },
  async execute(context, args, hooks) {
    const report = await context.engine.bind(args.emails, {
      licenceSku: args.licenceSku,
      welcome: args.welcome,
      ...runOptionsOf(hooks),
    });
    return bulkExecution(report, WORDING, await deliverPasswords(report, hooks));
  },
  retryArgs: withEmails,
});
