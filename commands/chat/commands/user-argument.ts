import { z } from 'zod';
import { ArgumentError } from '../arguments.js';
import type { ParseContext } from '../command.js';
import { platformSchema } from '../model.js';

/**
 * A person named in a command (admins grant / revoke), resolved to the stable ChatUser.id RBAC uses — never a
 * display name or a typed e-mail address. Accepted: a mention the adapter resolved (CommandRequest.mentions,
 * matched by name), Slack's <@U…> markup (same workspace as the requester), or the id itself
 * (Teams tenantId:aadObjectId, Slack teamId:userId), on the requester's platform.
 */

export const targetUserSchema = z.object({
  platform: platformSchema,
  userId: z.string().min(3).max(200),
  displayName: z.string(),
});
export type TargetUser = z.infer<typeof targetUserSchema>;

const SLACK_MENTION = /^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>$/;

function fromMention(name: string, context: ParseContext): TargetUser {
  const wanted = name.toLowerCase();
  const user = context.mentions.find(
    (mention) =>
      mention.displayName.toLowerCase() === wanted || mention.platformUserId.toLowerCase() === wanted,
  );
  if (user === undefined) {
    throw new ArgumentError(
      `I can't tell who @${name} is; mention them so the chat marks it, or give their id.`,
    );
  }
  return { platform: user.platform, userId: user.id, displayName: user.displayName };
}

export function resolveUser(word: string | undefined, context: ParseContext): TargetUser {
  if (word === undefined) throw new ArgumentError('Name the person (mention them, or give their id).');
  const slack = SLACK_MENTION.exec(word);
  if (slack?.[1] !== undefined && context.user.platform === 'slack') {
    const known = context.mentions.find((mention) => mention.platformUserId === slack[1]);
    if (known !== undefined) return { platform: 'slack', userId: known.id, displayName: known.displayName };
    const team = context.user.id.split(':')[0] ?? '';
    return { platform: 'slack', userId: `${team}:${slack[1]}`, displayName: slack[2] ?? slack[1] };
  }
  if (word.startsWith('@')) return fromMention(word.slice(1), context);
  if (/^[^\s:]+:[^\s:]+$/.test(word)) {
    const known = context.mentions.find((mention) => mention.id === word);
    return { platform: context.user.platform, userId: word, displayName: known?.displayName ?? word };
  }
  throw new ArgumentError(
    `"${word}" is not a person; mention them, or give their id (tenantId:aadObjectId in Teams, teamId:userId in Slack).`,
  );
}
