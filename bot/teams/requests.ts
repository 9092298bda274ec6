import { TurnContext, type Activity } from 'botbuilder';
import { z } from 'zod';
import type { ActionRequest, ChatUser, CommandRequest, ConversationRef } from '../../commands/chat/types.js';
import { chatUserOf, conversationRefOf, referenceOf, type TeamsReference } from './identity.js';

/**
 * Inbound activity → the chat core's requests (the thin-translator half of the adapter; nothing here sends).
 */

/** Who and where, for any inbound activity. Throws TeamsIdentityError when Teams did not say. */
export interface Origin {
  user: ChatUser;
  reference: TeamsReference;
  conversation: ConversationRef;
}

export function originOf(activity: Partial<Activity>): Origin {
  const reference = referenceOf(activity);
  return { user: chatUserOf(activity), reference, conversation: conversationRefOf(reference) };
}

/** Typing "@Bot" alone (or sending an empty message) asks what the bot can do. */
const EMPTY_COMMAND = 'help';

/**
 * The command text: the bot's @mention removed (channels and group chats deliver only messages that mention
 * the bot — chat-platforms.md §2.3), non-breaking spaces Teams puts around mentions made plain, trimmed.
 */
export function commandTextOf(activity: Partial<Activity>): string {
  if (typeof activity.text !== 'string') return EMPTY_COMMAND;
  const withoutMention =
    activity.recipient?.id === undefined ? activity.text : TurnContext.removeRecipientMention(activity);
  const text = withoutMention.replace(/&nbsp;|\u00a0/g, ' ').trim();
  return text === '' ? EMPTY_COMMAND : text;
}

export function commandRequestOf(
  activity: Partial<Activity>,
  origin: Origin,
  mentions: ChatUser[] = [],
): CommandRequest {
  return {
    user: origin.user,
    conversation: origin.conversation,
    text: commandTextOf(activity),
    ...(mentions.length === 0 ? {} : { mentions }),
  };
}

/** Button data is opaque ids (cards/model.ts); anything else a client adds (e.g. `msteams`) is dropped. */
const RESERVED_DATA_KEYS = new Set(['verb', 'msteams']);

function buttonData(raw: unknown): Record<string, string> {
  const parsed = z.record(z.string(), z.unknown()).safeParse(raw);
  if (!parsed.success) return {};
  return Object.fromEntries(
    Object.entries(parsed.data).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && !RESERVED_DATA_KEYS.has(entry[0]),
    ),
  );
}

const verbSchema = z.string().min(1).max(64);

function actionRequest(
  verb: string,
  data: Record<string, string>,
  activity: Partial<Activity>,
  origin: Origin,
): ActionRequest {
  const replyToId = activity.replyToId;
  return {
    user: origin.user,
    conversation: origin.conversation,
    verb,
    data,
    ...(replyToId === undefined || replyToId === ''
      ? {}
      : { message: { conversation: origin.conversation, messageId: replyToId } }),
  };
}

/** An Action.Execute click (`adaptiveCard/action` invoke): value.action.{verb, data}. */
export function executeRequestOf(
  action: { verb?: string; data?: unknown },
  activity: Partial<Activity>,
  origin: Origin,
): ActionRequest | undefined {
  const verb = verbSchema.safeParse(action.verb);
  return verb.success ? actionRequest(verb.data, buttonData(action.data), activity, origin) : undefined;
}

/**
 * An Action.Submit fallback click from a client without Universal Actions: a message activity whose value is
 * the button data with the verb beside it (cards/adaptive-elements.ts), text usually empty.
 */
export function submitRequestOf(activity: Partial<Activity>, origin: Origin): ActionRequest | undefined {
  const value = z.object({ verb: verbSchema }).loose().safeParse(activity.value);
  return value.success ? actionRequest(value.data.verb, buttonData(value.data), activity, origin) : undefined;
}

export function isSubmit(activity: Partial<Activity>): boolean {
  return typeof activity.value === 'object' && activity.value !== null;
}
