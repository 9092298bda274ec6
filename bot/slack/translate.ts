import { z } from 'zod';
import { verbOfActionId } from '../../cards/render-blockkit.js';
import type { ActionRequest, ChatUser, CommandRequest, ConversationRef } from '../../commands/chat/types.js';

/**
 * Slack payloads → the chat core's requests (commands/chat/types.ts). Only the fields used are read, each
 * validated with zod, so a payload Slack changes shape on fails here with a clear message instead of deep in
 * the core. Pure: display names come in from the caller.
 */

const slackId = z.string().regex(/^[A-Z][A-Z0-9]{2,}$/, 'a Slack id');

export const slashCommandSchema = z.object({
  team_id: slackId,
  channel_id: slackId,
  channel_name: z.string().optional(),
  user_id: slackId,
  user_name: z.string().optional(),
  command: z.string(),
  text: z.string().default(''),
  response_url: z.string().optional(),
});
export type SlashCommandPayload = z.infer<typeof slashCommandSchema>;

export const mentionEventSchema = z.object({
  user: slackId,
  channel: slackId,
  text: z.string().default(''),
  ts: z.string(),
  channel_type: z.string().optional(),
});
export type MentionEvent = z.infer<typeof mentionEventSchema>;

/** message.im: a person's own message; edits, joins, files (subtype) and bot messages (bot_id) are skipped. */
export const directMessageEventSchema = z.object({
  channel_type: z.literal('im'),
  subtype: z.never().optional(),
  bot_id: z.never().optional(),
  user: slackId,
  channel: slackId,
  text: z.string().default(''),
  ts: z.string(),
});
export type DirectMessageEvent = z.infer<typeof directMessageEventSchema>;

export const blockActionSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: slackId, name: z.string().optional(), username: z.string().optional() }),
  team: z.object({ id: slackId }).nullable().optional(),
  channel: z.object({ id: slackId }).optional(),
  container: z
    .object({
      channel_id: slackId.optional(),
      message_ts: z.string().optional(),
      is_ephemeral: z.boolean().optional(),
    })
    .optional(),
  message: z.object({ ts: z.string() }).optional(),
  response_url: z.string().optional(),
  actions: z
    .array(z.object({ action_id: z.string(), value: z.string().optional() }))
    .min(1, 'a block_actions payload carries the clicked action'),
});
export type BlockActionPayload = z.infer<typeof blockActionSchema>;

/** Button data: the renderer writes JSON of a flat string record (cards/model.ts buttonDataSchema). */
const buttonValueSchema = z.record(z.string(), z.string());

export function slackUser(teamId: string, userId: string, displayName: string): ChatUser {
  return { platform: 'slack', id: `${teamId}:${userId}`, displayName, platformUserId: userId };
}

/**
 * D… is a direct message; G… a group DM or a legacy private channel; C… a channel. The Events API says it
 * outright (channel_type), slash commands only by the id and channel_name ("directmessage", "mpdm-…").
 */
export function slackConversation(channelId: string, hint?: string): ConversationRef {
  const kind =
    hint === 'im' || hint === 'directmessage' || channelId.startsWith('D')
      ? 'personal'
      : hint === 'mpim' || hint?.startsWith('mpdm-') === true
        ? 'group'
        : 'channel';
  return { platform: 'slack', id: channelId, kind };
}

const MENTION = /<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>/g;

/** Removes the bot's own mentions (`<@UBOT>`, `<@UBOT|name>`) and tidies the spaces they leave. */
export function stripBotMention(text: string, botUserId: string): string {
  return text
    .replace(MENTION, (whole, id: string) => (id === botUserId ? ' ' : whole))
    .replace(/\s+/g, ' ')
    .trim();
}

/** Most people one command may mention (each costs a users.info for the display name). */
const MAX_MENTIONS = 10;

/** The people a text mentions (other than the bot), in order, once each, with the name the markup carries. */
export function mentionedUsers(text: string, botUserId: string): { id: string; label?: string }[] {
  const seen = new Map<string, string | undefined>();
  for (const match of text.matchAll(/<@([UW][A-Z0-9]+)(?:\|([^<>]*))?>/g)) {
    const [, id, label] = match;
    if (id !== undefined && id !== botUserId && !seen.has(id)) seen.set(id, label);
  }
  return [...seen].slice(0, MAX_MENTIONS).map(([id, label]) => (label ? { id, label } : { id }));
}

export function commandFromSlash(payload: SlashCommandPayload, displayName: string): CommandRequest {
  return {
    user: slackUser(payload.team_id, payload.user_id, displayName),
    conversation: slackConversation(payload.channel_id, payload.channel_name),
    text: payload.text.trim(),
  };
}

export function commandFromMention(
  event: MentionEvent,
  teamId: string,
  botUserId: string,
  displayName: string,
): CommandRequest {
  return {
    user: slackUser(teamId, event.user, displayName),
    conversation: slackConversation(event.channel, event.channel_type),
    text: stripBotMention(event.text, botUserId),
  };
}

export function commandFromDirectMessage(
  event: DirectMessageEvent,
  teamId: string,
  botUserId: string,
  displayName: string,
): CommandRequest {
  return {
    user: slackUser(teamId, event.user, displayName),
    conversation: slackConversation(event.channel, 'im'),
    text: stripBotMention(event.text, botUserId),
  };
}

export class ButtonPayloadError extends Error {}

/**
 * A button click. The verb is the action_id without the "#2" the renderer adds to a repeated verb; the data is
 * the JSON the renderer put in `value`. `teamId` is the workspace the app runs in, for a payload without `team`.
 */
export function actionFromBlockAction(
  payload: BlockActionPayload,
  teamId: string,
  displayName: string,
): ActionRequest {
  const [action] = payload.actions;
  const channelId = payload.container?.channel_id ?? payload.channel?.id;
  if (action === undefined || channelId === undefined) {
    throw new ButtonPayloadError('the click came without its action or channel');
  }
  let data: Record<string, string> = {};
  if (action.value !== undefined && action.value !== '') {
    const parsed = buttonValueSchema.safeParse(safeJson(action.value));
    if (!parsed.success) throw new ButtonPayloadError('the button carries data this bot did not write');
    data = parsed.data;
  }
  const conversation = slackConversation(channelId);
  const messageTs = payload.container?.message_ts ?? payload.message?.ts;
  return {
    user: slackUser(payload.team?.id ?? teamId, payload.user.id, displayName),
    conversation,
    verb: verbOfActionId(action.action_id),
    data,
    ...(messageTs === undefined ? {} : { message: { conversation, messageId: messageTs } }),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
