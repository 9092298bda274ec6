import { z } from 'zod';
import { ArgumentError } from '../arguments.js';
import type { CommandContext, Plan } from '../command.js';
import { defineMutating } from '../command.js';
import { resolveUser, targetUserSchema, type TargetUser } from './user-argument.js';

/**
 * admins revoke <user>: removes someone's role. Admins from the settings cannot be revoked in chat, and the
 * last admin cannot be revoked (checked when planning and again when running).
 */

/** The person as the role store knows them (a typed id becomes the name they were granted under). */
async function named(context: CommandContext, user: TargetUser): Promise<TargetUser> {
  const grant = await context.stores.roles.get(user.platform, user.userId);
  return grant === null ? user : { ...user, displayName: grant.displayName };
}

async function refusalFor(context: CommandContext, user: TargetUser): Promise<string | null> {
  if (context.rbac.isConfiguredAdmin({ platform: user.platform, id: user.userId })) {
    return `${user.displayName} is an admin by configuration; change the configuration instead.`;
  }
  const grant = await context.stores.roles.get(user.platform, user.userId);
  if (grant === null) return `${user.displayName} has no role to revoke.`;
  if (grant.role === 'admin' && (await context.rbac.adminCount()) <= 1) {
    return `${user.displayName} is the last admin and cannot be revoked.`;
  }
  return null;
}

export const adminsRevoke = defineMutating({
  name: 'admins revoke',
  summary: "Removes someone's role (never the last admin).",
  usage: 'admins revoke <user>',
  example: 'admins revoke @Alex',
  role: 'admin',
  options: {},
  schema: z.object({ user: targetUserSchema }),
  input: (line, context) => {
    if (line.words.length !== 1) throw new ArgumentError('admins revoke takes one person.');
    return { user: resolveUser(line.words[0], context) };
  },
  async plan(context, input): Promise<Plan> {
    const args = { user: await named(context, input.user) };
    const current = await context.rbac.roleOf({ platform: args.user.platform, id: args.user.userId });
    const content = {
      title: 'Revoke a role',
      facts: [
        { label: 'Who', value: `${args.user.displayName} (${args.user.platform})` },
        { label: 'Role now', value: current ?? 'none' },
      ],
    };
    const summary = `Revoke ${args.user.displayName}'s role`;
    const refusal = await refusalFor(context, args.user);
    return refusal === null ? { content, summary, targets: 0 } : { content, summary, targets: 0, refusal };
  },
  async execute(context, input) {
    const args = { user: await named(context, input.user) };
    const refusal = await refusalFor(context, args.user);
    const grant = await context.stores.roles.get(args.user.platform, args.user.userId);
    const removed =
      refusal === null && grant !== null
        ? await context.stores.roles.remove(args.user.platform, args.user.userId, grant.role)
        : false;
    const summary = removed
      ? `${args.user.displayName}'s role was revoked`
      : (refusal ?? 'Nothing was revoked');
    return {
      content: { title: removed ? 'Role revoked' : 'Not revoked', notes: [{ text: summary }] },
      outcome: { summary, totals: {}, failures: [], retryable: false },
      failed: !removed,
    };
  },
});
