import { z } from 'zod';
import { ArgumentError } from '../arguments.js';
import { defineMutating } from '../command.js';
import { roleSchema } from '../model.js';
import { principalOf } from '../ports.js';
import { resolveUser, targetUserSchema } from './user-argument.js';

/** admins grant <user> <role>: gives someone a role (viewer, operator, approver or admin), replacing theirs. */

export const adminsGrant = defineMutating({
  name: 'admins grant',
  summary: 'Gives someone a role: viewer, operator, approver or admin.',
  usage: 'admins grant <user> <role>',
  example: 'admins grant @Alex approver',
  role: 'admin',
  options: {},
  schema: z.object({
    user: targetUserSchema,
    role: roleSchema,
  }),
  input: (line, context) => {
    if (line.words.length !== 2) throw new ArgumentError('admins grant takes a person and a role.');
    const [who, role] = line.words;
    const user = resolveUser(who, context);
    const parsedRole = roleSchema.safeParse(role?.toLowerCase());
    if (!parsedRole.success) {
      throw new ArgumentError(`"${role ?? ''}" is not a role; use viewer, operator, approver or admin.`);
    }
    return { user, role: parsedRole.data };
  },
  async plan(context, args) {
    const key = { platform: args.user.platform, id: args.user.userId };
    const current = await context.rbac.roleOf(key);
    const summary = `Make ${args.user.displayName} ${args.role === 'admin' ? 'an' : 'a'} ${args.role}`;
    const content = {
      title: 'Grant a role',
      facts: [
        { label: 'Who', value: `${args.user.displayName} (${args.user.platform})` },
        { label: 'Role now', value: current ?? 'none' },
        { label: 'New role', value: args.role },
      ],
    };
    if (context.rbac.isConfiguredAdmin(key)) {
      return {
        content,
        summary,
        targets: 0,
        refusal: `${args.user.displayName} is an admin by configuration.`,
      };
    }
    if (current === args.role) {
      return { content, summary, targets: 0, refusal: `${args.user.displayName} already has that role.` };
    }
    return { content, summary, targets: 0 };
  },
  async execute(context, args) {
    const grant = await context.stores.roles.put({
      platform: args.user.platform,
      userId: args.user.userId,
      displayName: args.user.displayName,
      role: args.role,
      grantedBy: principalOf(context.user),
      grantedAt: context.clock.now(),
    });
    const summary = `${grant.displayName} is now ${grant.role === 'admin' ? 'an' : 'a'} ${grant.role}`;
    return {
      content: { title: 'Role granted', facts: [{ label: grant.displayName, value: grant.role }] },
      outcome: { summary, totals: {}, failures: [], retryable: false },
      failed: false,
    };
  },
});
