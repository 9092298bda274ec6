import { z } from 'zod';
import { CHAT_COMMANDS } from '../../commands/chat/commands/index.js';
import { commaList } from './parsers.js';

/** Environment syntax for the chat core's settings: people, channels and command names. */

const TEAMS_PERSON = /^teams:([0-9a-f-]{36}):([0-9a-f-]{36})$/i;
const SLACK_PERSON = /^slack:(T[A-Z0-9]+):([UW][A-Z0-9]+)$/;

/**
 * `teams:<tenant id>:<AAD object id>` or `slack:<team id>:<user id>`, as the chat core keys people
 * (ChatUser.id is `tenantId:aadObjectId` in Teams, `teamId:userId` in Slack; AAD ids compared in lower case).
 */
export const chatPrincipal = z.string().transform((text, context) => {
  const teams = TEAMS_PERSON.exec(text);
  if (teams?.[1] !== undefined && teams[2] !== undefined) {
    return { platform: 'teams' as const, id: `${teams[1].toLowerCase()}:${teams[2].toLowerCase()}` };
  }
  const slack = SLACK_PERSON.exec(text);
  if (slack?.[1] !== undefined && slack[2] !== undefined) {
    return { platform: 'slack' as const, id: `${slack[1]}:${slack[2]}` };
  }
  context.addIssue({
    code: 'custom',
    message: 'each entry must be teams:<tenant id>:<AAD object id> or slack:<team id>:<user id>',
  });
  return z.NEVER;
});
export type ChatPrincipal = z.output<typeof chatPrincipal>;

/** `teams:<conversation id>` (e.g. teams:19:abc@thread.tacv2) or `slack:<channel id>` (e.g. slack:C0123ABCD). */
export const approvalsChannel = z.string().transform((text, context) => {
  const separator = text.indexOf(':');
  const platform = text.slice(0, separator);
  const conversationId = text.slice(separator + 1);
  if (platform === 'teams' && /^19:\S+$/.test(conversationId)) {
    return { platform: 'teams' as const, conversationId };
  }
  if (platform === 'slack' && /^[CG][A-Z0-9]+$/.test(conversationId)) {
    return { platform: 'slack' as const, conversationId };
  }
  context.addIssue({
    code: 'custom',
    message: 'must be teams:<channel conversation id> (19:…) or slack:<channel id> (C…)',
  });
  return z.NEVER;
});

/** Commands that wait for a confirmation or approval: the only ones an approval policy applies to. */
export const MUTATING_COMMANDS: readonly string[] = CHAT_COMMANDS.filter(
  (command) => command.kind === 'mutating',
).map((command) => command.name);

/** A comma-separated list of mutating command names, e.g. "unbind, block, admins grant". */
export const commandList = commaList(
  z.string().refine((name) => MUTATING_COMMANDS.includes(name), {
    error: `each entry must be a command that changes something: ${MUTATING_COMMANDS.join(', ')}`,
  }),
);
