import { TeamsInfo, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { ChatUser } from '../../commands/chat/types.js';

/** Most people one command resolves from mentions (each costs a roster read; Teams limits those too). */
const MAX_MENTIONS = 10;

/**
 * The people a message @mentions besides the bot, as ChatUsers (CommandRequest.mentions: "admins grant @Alex
 * approver"). A Teams mention entity carries the MRI and display name but not the Entra object id RBAC keys
 * on, so each is looked up in the conversation's roster (TeamsInfo.getMember). Someone the roster does not
 * know is left out; the core then says it cannot tell who that is.
 */
export async function mentionedUsers(
  context: TurnContext,
  tenantId: string,
  logger: Logger,
): Promise<ChatUser[]> {
  const botId = context.activity.recipient.id;
  const mris = [
    ...new Set(
      TurnContext.getMentions(context.activity)
        .map((mention) => mention.mentioned.id)
        .filter((id) => id !== botId && id !== ''),
    ),
  ].slice(0, MAX_MENTIONS);
  const users: ChatUser[] = [];
  for (const mri of mris) {
    try {
      const member = await TeamsInfo.getMember(context, mri);
      if (member.aadObjectId === undefined || member.aadObjectId === '') continue;
      users.push({
        platform: 'teams',
        // The conversation's tenant, as for the sender: a guest's object id belongs to that tenant.
        id: `${tenantId}:${member.aadObjectId.toLowerCase()}`,
        displayName: member.name,
        platformUserId: member.id,
      });
    } catch (error) {
      logger.info({ err: error, mri }, 'a mentioned Teams user is not in the roster');
    }
  }
  return users;
}
