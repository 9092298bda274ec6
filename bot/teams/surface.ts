import type { CardModel } from '../../cards/model.js';
import type { ChatSurface, ChatUser, ConversationRef, MessageRef } from '../../commands/chat/types.js';
import { csvActivities } from './card-activity.js';
import { baseConversationId, conversationRefOf, teamsReferenceOf, type TeamsReference } from './identity.js';
import type { TeamsMessenger } from './messenger.js';

/**
 * The chat core's way to reach Teams outside a request (progress, approvals, digests): proactive turns from the
 * conversation reference the adapter put into ConversationRef.extra.
 *
 * - post: a new top-level message; in a channel the `;messageid=` thread is dropped (chat-platforms.md §2.5).
 * - update: updateActivity by id, in place for everyone.
 * - postPrivate: the user's 1:1 chat with the bot (the one they wrote in, else created with their MRI in
 *   their tenant). Never the channel: a user-specific card view (refresh.userIds) still puts a base card in
 *   the channel, so anything private goes to the personal chat.
 * - uploadFile: the CSV as text cards in that conversation (card-activity.ts says why Teams gets no file).
 */
export class TeamsSurface implements ChatSurface {
  readonly platform = 'teams' as const;

  constructor(private readonly messenger: TeamsMessenger) {}

  async post(conversation: ConversationRef, card: CardModel): Promise<MessageRef> {
    const reference = teamsReferenceOf(conversation);
    const topLevel: TeamsReference = {
      ...reference,
      conversationId: baseConversationId(reference.conversationId),
    };
    const messageId = await this.messenger.inConversation(topLevel, true, (context) =>
      this.messenger.sendCard(context, card),
    );
    return { conversation: conversationRefOf(topLevel), messageId };
  }

  async update(message: MessageRef, card: CardModel): Promise<void> {
    const reference = teamsReferenceOf(message.conversation);
    await this.messenger.inConversation(reference, false, (context) =>
      this.messenger.updateCard(context, message.messageId, card),
    );
  }

  async postPrivate(user: ChatUser, conversation: ConversationRef, card: CardModel): Promise<void> {
    await this.postPrivateMessage(user, conversation, card);
  }

  /** postPrivate, telling where the message went (the adapter tracks private replies too). */
  async postPrivateMessage(
    user: ChatUser,
    conversation: ConversationRef,
    card: CardModel,
  ): Promise<MessageRef> {
    if (user.platform !== 'teams') throw new Error(`a ${user.platform} user has no Teams chat`);
    const chat = await this.messenger.personalChat(user, teamsReferenceOf(conversation));
    const messageId = await this.messenger.inConversation(chat, true, (context) =>
      this.messenger.sendCard(context, card),
    );
    return { conversation: conversationRefOf(chat), messageId };
  }

  async uploadFile(conversation: ConversationRef, filename: string, content: string): Promise<void> {
    const reference = teamsReferenceOf(conversation);
    await this.messenger.inConversation(reference, false, (context) =>
      this.messenger.sendActivities(context, csvActivities(filename, content)),
    );
  }
}
