import type { Activity, ConversationReference } from 'botbuilder';
import { z } from 'zod';
import type { ChatUser, ConversationRef } from '../../commands/chat/types.js';

/**
 * Who is acting and where, read from an inbound activity (chat-platforms.md §2.3), and the conversation
 * reference the bot needs to reach that conversation again (§2.5), kept in ConversationRef.extra as flat
 * JSON so the chat core can store it as it is.
 */

/** Everything after `;messageid=` names a thread inside a channel; the channel itself is the part before. */
export function baseConversationId(conversationId: string): string {
  const cut = conversationId.indexOf(';');
  return cut === -1 ? conversationId : conversationId.slice(0, cut);
}

/** What ConversationRef.extra holds for Teams. */
export const teamsReferenceSchema = z.object({
  serviceUrl: z.url(),
  channelId: z.string().min(1),
  /** As addressed by the inbound activity: a channel thread keeps its `;messageid=…`. */
  conversationId: z.string().min(1),
  conversationType: z.enum(['personal', 'groupChat', 'channel']),
  tenantId: z.string().min(1).optional(),
  botId: z.string().min(1),
  botName: z.string().optional(),
});
export type TeamsReference = z.infer<typeof teamsReferenceSchema>;

export class TeamsIdentityError extends Error {}

function conversationTypeOf(activity: Partial<Activity>): TeamsReference['conversationType'] {
  const type = activity.conversation?.conversationType;
  if (type === 'personal' || type === 'groupChat' || type === 'channel') return type;
  return activity.conversation?.isGroup === true ? 'groupChat' : 'personal';
}

const KIND: Record<TeamsReference['conversationType'], ConversationRef['kind']> = {
  personal: 'personal',
  groupChat: 'group',
  channel: 'channel',
};

const channelDataSchema = z.object({ tenant: z.object({ id: z.string().min(1) }).optional() }).loose();

export function tenantIdOf(activity: Partial<Activity>): string | undefined {
  const channelData = channelDataSchema.safeParse(activity.channelData);
  return (channelData.success ? channelData.data.tenant?.id : undefined) ?? activity.conversation?.tenantId;
}

export function referenceOf(activity: Partial<Activity>): TeamsReference {
  const conversationId = activity.conversation?.id;
  const botId = activity.recipient?.id;
  if (conversationId === undefined || botId === undefined || activity.serviceUrl === undefined)
    throw new TeamsIdentityError('the activity names no conversation, recipient or serviceUrl');
  const tenantId = tenantIdOf(activity);
  return teamsReferenceSchema.parse({
    serviceUrl: activity.serviceUrl,
    channelId: activity.channelId ?? 'msteams',
    conversationId,
    conversationType: conversationTypeOf(activity),
    ...(tenantId === undefined ? {} : { tenantId }),
    botId,
    ...(activity.recipient?.name === undefined ? {} : { botName: activity.recipient.name }),
  });
}

export function conversationRefOf(reference: TeamsReference): ConversationRef {
  return {
    platform: 'teams',
    id: baseConversationId(reference.conversationId),
    kind: KIND[reference.conversationType],
    extra: { ...reference },
  };
}

/** The Teams data of a ConversationRef the chat core hands back (validated: it may come from storage). */
export function teamsReferenceOf(conversation: ConversationRef): TeamsReference {
  const parsed = teamsReferenceSchema.safeParse(conversation.extra);
  if (!parsed.success)
    throw new TeamsIdentityError(`conversation ${conversation.id} carries no Teams conversation reference`);
  return parsed.data;
}

/**
 * The acting user: RBAC's key is `tenantId:aadObjectId` (stable, never a name or an e-mail — chat-platforms.md
 * §4); the MRI addresses the user (refresh.userIds, 1:1 chats).
 */
export function chatUserOf(activity: Partial<Activity>): ChatUser {
  const from = activity.from;
  const tenantId = tenantIdOf(activity);
  if (from?.aadObjectId === undefined || from.aadObjectId === '' || tenantId === undefined)
    throw new TeamsIdentityError('the activity does not say which Entra user in which tenant sent it');
  // Typed as always present, but Teams leaves it out of some activities.
  const name = z.object({ name: z.string() }).safeParse(from).data?.name;
  return {
    platform: 'teams',
    id: `${tenantId}:${from.aadObjectId.toLowerCase()}`,
    displayName: name ?? '',
    platformUserId: from.id,
  };
}

/** The tenant part of a Teams ChatUser id. */
export function tenantOfUser(user: ChatUser): string | undefined {
  const cut = user.id.indexOf(':');
  return cut > 0 ? user.id.slice(0, cut) : undefined;
}

/**
 * The reference botbuilder's continueConversationAsync takes. `topLevel` drops the thread (`;messageid=`),
 * so a proactive channel post starts a new thread instead of answering an old one (chat-platforms.md §2.5).
 */
export function conversationReferenceFor(
  reference: TeamsReference,
  topLevel: boolean,
): ConversationReference {
  const id = topLevel ? baseConversationId(reference.conversationId) : reference.conversationId;
  return {
    channelId: reference.channelId,
    serviceUrl: reference.serviceUrl,
    bot: { id: reference.botId, name: reference.botName ?? '' },
    conversation: {
      id,
      isGroup: reference.conversationType !== 'personal',
      conversationType: reference.conversationType,
      name: '',
      ...(reference.tenantId === undefined ? {} : { tenantId: reference.tenantId }),
    },
  };
}
