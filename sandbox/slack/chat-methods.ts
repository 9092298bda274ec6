import { parseBlocks, SlackError } from './blocks.js';
import type { SlackChannel, SlackMessage, SlackStore } from './store.js';

/** chat.postMessage, chat.update, chat.postEphemeral and chat.delete, with Slack's error codes. */

export type Args = Record<string, unknown>;
export type MethodResult = Record<string, unknown>;

export interface MethodContext {
  store: SlackStore;
  /** chat.postMessage's own limit: about one message per second per channel (throws ratelimited). */
  limitPostMessage(channel: string): void;
  /** The API's base URL, `http://127.0.0.1:P/` (for upload URLs). */
  baseUrl: string;
}

/** Message text beyond 40,000 characters is cut off, not refused (chat-platforms §1.7). */
const MAX_TEXT = 40_000;

export function stringArg(args: Args, name: string): string | undefined {
  const value = args[name];
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** The channel a bot may write to: a member channel, an open DM, or a user id (its DM with the bot). */
export function writableChannel(store: SlackStore, id: string | undefined): SlackChannel {
  if (id === undefined) throw new SlackError('channel_not_found');
  if (/^[UW]/.test(id)) {
    if (!store.user(id)) throw new SlackError('channel_not_found');
    return store.directMessageChannel(id);
  }
  const channel = store.channels.get(id);
  if (!channel) throw new SlackError('channel_not_found');
  if (!channel.members.has(store.options.bot.userId)) throw new SlackError('not_in_channel');
  return channel;
}

/** text and blocks as Slack stores them; at least one of text, blocks or attachments is required. */
function content(args: Args): { text: string; blocks?: unknown[] } {
  const blocks = parseBlocks(args.blocks);
  const text = stringArg(args, 'text');
  const hasAttachments = stringArg(args, 'attachments') !== undefined || Array.isArray(args.attachments);
  if (text === undefined && (blocks === undefined || blocks.length === 0) && !hasAttachments)
    throw new SlackError('no_text');
  return { text: (text ?? '').slice(0, MAX_TEXT), ...(blocks ? { blocks } : {}) };
}

export function publicMessage(message: SlackMessage, store: SlackStore): MethodResult {
  const bot = store.options.bot;
  return {
    type: 'message',
    user: message.user,
    bot_id: bot.botId,
    app_id: bot.appId,
    team: store.options.team.id,
    ts: message.ts,
    text: message.text,
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    ...(message.editedTs ? { edited: { user: message.user, ts: message.editedTs } } : {}),
  };
}

export function postMessage(args: Args, context: MethodContext): MethodResult {
  const { store } = context;
  const channel = writableChannel(store, stringArg(args, 'channel'));
  const body = content(args);
  context.limitPostMessage(channel.id);
  const threadTs = stringArg(args, 'thread_ts');
  const message: SlackMessage = {
    channel: channel.id,
    ts: store.nextTs(),
    ...body,
    ...(threadTs ? { threadTs } : {}),
    user: store.options.bot.userId,
    deleted: false,
  };
  store.record('messages', message);
  return { channel: channel.id, ts: message.ts, message: publicMessage(message, store) };
}

function ownMessage(args: Args, store: SlackStore, refusal: string): SlackMessage {
  const channel = store.channels.get(stringArg(args, 'channel') ?? '');
  if (!channel) throw new SlackError('channel_not_found');
  // Ephemeral messages are never stored by Slack, so their ts is not found either.
  const message = store.message(channel.id, stringArg(args, 'ts') ?? '');
  if (!message) throw new SlackError('message_not_found');
  if (message.user !== store.options.bot.userId) throw new SlackError(refusal);
  return message;
}

/** Updates text and blocks; text without blocks removes the blocks (chat-platforms §1.3). */
export function updateMessage(args: Args, { store }: MethodContext): MethodResult {
  const message = ownMessage(args, store, 'cant_update_message');
  const body = content(args);
  message.text = body.text;
  if (body.blocks) message.blocks = body.blocks;
  else delete message.blocks;
  message.editedTs = store.nextTs();
  store.record('updates', { channel: message.channel, ts: message.ts, ...body, via: 'chat.update' });
  return {
    channel: message.channel,
    ts: message.ts,
    text: message.text,
    message: publicMessage(message, store),
  };
}

export function postEphemeral(args: Args, { store }: MethodContext): MethodResult {
  const channel = writableChannel(store, stringArg(args, 'channel'));
  const userId = stringArg(args, 'user');
  if (userId === undefined || !store.user(userId)) throw new SlackError('user_not_found');
  if (!channel.members.has(userId)) throw new SlackError('user_not_in_channel');
  const body = content(args);
  const ts = store.nextTs();
  store.record('ephemerals', { channel: channel.id, user: userId, ts, ...body, via: 'chat.postEphemeral' });
  return { message_ts: ts };
}

export function deleteMessage(args: Args, { store }: MethodContext): MethodResult {
  const message = ownMessage(args, store, 'cant_delete_message');
  message.deleted = true;
  store.changed();
  return { channel: message.channel, ts: message.ts };
}
