import { createHash } from 'node:crypto';
import type { types, webApi } from '@slack/bolt';
import type { CardFile } from '../../cards/actions.js';
import type { CardModel } from '../../cards/model.js';
import { renderBlockKit, type BlockKitMessage } from '../../cards/render-blockkit.js';
import { ChatDeliveryError } from '../../commands/errors.js';
import type { ChatSurface, ChatUser, ConversationRef, MessageRef } from '../../commands/chat/types.js';
import { slackCall } from './errors.js';

/**
 * ChatSurface for Slack (commands/chat/types.ts): the chat core's way to post, update and whisper outside a
 * request. Every call goes through the App's one WebClient (one rate-limit queue: a 429 pauses all calls for
 * its Retry-After) and every failure comes out translated (errors.ts).
 */

/** A card posted only to some people (visibleTo.slackUserIds) lives in ephemerals, which Slack cannot edit. */
const EPHEMERAL_PREFIX = 'ephemeral:';

/** Ephemerals cannot reach these people there; a direct message can. */
const EPHEMERAL_REFUSALS = new Set([
  'not_in_channel',
  'user_not_in_channel',
  'channel_not_found',
  'is_archived',
]);

/** How many messages remember which CSVs were already uploaded beside them (oldest forgotten first). */
const UPLOAD_MEMORY = 500;

function blocksOf(message: BlockKitMessage): types.Block[] {
  // The renderer's blocks are Block Kit JSON already validated against Slack's limits (render-blockkit.ts).
  return message.blocks as unknown as types.Block[];
}

function fingerprint(file: CardFile): string {
  return `${file.filename}:${createHash('sha256').update(file.content).digest('hex')}`;
}

export function createSlackSurface(client: webApi.WebClient): ChatSurface {
  const uploaded = new Map<string, Set<string>>();

  const upload = (channelId: string, file: CardFile) =>
    slackCall(`upload ${file.filename} to ${channelId}`, () =>
      client.files.uploadV2({
        channel_id: channelId,
        file: Buffer.from(file.content, 'utf8'),
        filename: file.filename,
        title: file.filename,
      }),
    );

  /** Uploads the card's CSVs beside a message once each: a progress update does not upload them again. */
  const uploadNewFiles = async (channelId: string, messageKey: string, files: readonly CardFile[]) => {
    const done = uploaded.get(messageKey) ?? new Set<string>();
    for (const file of files) {
      const print = fingerprint(file);
      if (done.has(print)) continue;
      await upload(channelId, file);
      done.add(print);
    }
    uploaded.delete(messageKey);
    uploaded.set(messageKey, done);
    for (const key of uploaded.keys()) {
      if (uploaded.size <= UPLOAD_MEMORY) break;
      uploaded.delete(key);
    }
  };

  const directMessageChannel = async (userId: string): Promise<string> => {
    const opened = await slackCall(`open a direct message with ${userId}`, () =>
      client.conversations.open({ users: userId }),
    );
    const id = opened.channel?.id;
    if (id === undefined)
      throw new ChatDeliveryError('Slack', 'open a direct message', 'no_channel', 'Slack sent no channel id');
    return id;
  };

  const postTo = async (channelId: string, message: BlockKitMessage): Promise<string> => {
    const posted = await slackCall(`post a message in ${channelId}`, () =>
      client.chat.postMessage({ channel: channelId, text: message.text, blocks: blocksOf(message) }),
    );
    if (posted.ts === undefined)
      throw new ChatDeliveryError('Slack', 'post a message', 'no_ts', 'Slack sent no message id');
    return posted.ts;
  };

  const whisperRendered = async (userId: string, channelId: string, message: BlockKitMessage) => {
    try {
      await slackCall(`show a message only to ${userId} in ${channelId}`, () =>
        client.chat.postEphemeral({
          channel: channelId,
          user: userId,
          text: message.text,
          blocks: blocksOf(message),
        }),
      );
      // A private card's CSV goes to the person's DM: a file shared in the channel is seen by everyone.
      if (message.files.length > 0) {
        const dm = await directMessageChannel(userId);
        for (const file of message.files) await upload(dm, file);
      }
    } catch (error) {
      if (!(error instanceof ChatDeliveryError) || !EPHEMERAL_REFUSALS.has(error.reason)) throw error;
      const dm = await directMessageChannel(userId);
      const ts = await postTo(dm, message);
      await uploadNewFiles(dm, `${dm}/${ts}`, message.files);
    }
  };

  return {
    platform: 'slack',

    async post(conversation: ConversationRef, card: CardModel): Promise<MessageRef> {
      const message = renderBlockKit(card);
      if (message.ephemeralUserIds.length > 0) {
        for (const userId of message.ephemeralUserIds)
          await whisperRendered(userId, conversation.id, message);
        return { conversation, messageId: `${EPHEMERAL_PREFIX}${message.ephemeralUserIds.join(',')}` };
      }
      const ts = await postTo(conversation.id, message);
      await uploadNewFiles(conversation.id, `${conversation.id}/${ts}`, message.files);
      return { conversation, messageId: ts };
    },

    async update(target: MessageRef, card: CardModel): Promise<void> {
      const channelId = target.conversation.id;
      if (target.messageId.startsWith(EPHEMERAL_PREFIX)) {
        throw new ChatDeliveryError(
          'Slack',
          `update a message in ${channelId}`,
          'message_not_found',
          'a message shown only to some people cannot be edited',
        );
      }
      const message = renderBlockKit(card);
      await slackCall(`update the message ${target.messageId} in ${channelId}`, () =>
        client.chat.update({
          channel: channelId,
          ts: target.messageId,
          text: message.text,
          blocks: blocksOf(message),
        }),
      );
      await uploadNewFiles(channelId, `${channelId}/${target.messageId}`, message.files);
    },

    async postPrivate(user: ChatUser, conversation: ConversationRef, card: CardModel): Promise<void> {
      await whisperRendered(user.platformUserId, conversation.id, renderBlockKit(card));
    },

    async uploadFile(conversation: ConversationRef, filename: string, content: string): Promise<void> {
      await upload(conversation.id, { filename, content, mimeType: 'text/csv' });
    },
  };
}
