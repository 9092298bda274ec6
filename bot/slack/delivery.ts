import type { RespondFn, types } from '@slack/bolt';
import type { CardModel } from '../../cards/model.js';
import { renderBlockKit } from '../../cards/render-blockkit.js';
import { parseCardModel } from '../../cards/model.js';
import { ChatDeliveryError, UnexpectedError } from '../../commands/errors.js';
import type {
  ChatOps,
  ChatSurface,
  ChatUser,
  ConversationRef,
  MessageRef,
  Reply,
} from '../../commands/chat/types.js';
import { slackCall, translateSlackError } from './errors.js';

/**
 * Delivers the chat core's replies to one Slack request. 'conversation' → chat.postMessage (tracked replies
 * report their ts through ChatOps.bindMessage); 'private' → an ephemeral to the person who acted (a DM when
 * Slack refuses that). A click's reply marked replaceOriginal replaces the clicked message — chat.update, or
 * response_url replace_original for an ephemeral card, which chat.update cannot reach — in order with the
 * core's own updates of that message when the reply says how (Reply.inOrder).
 */

export interface DeliveryLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface Clicked {
  message: MessageRef;
  /** The card is an ephemeral (only the clicker sees it): only its response_url can replace it. */
  ephemeral: boolean;
}

export interface DeliveryContext {
  user: ChatUser;
  conversation: ConversationRef;
  /** The interaction's response_url (slash commands and clicks; none for events). */
  respond: RespondFn | undefined;
  clicked?: Clicked;
}

const UNEXPECTED_SENTENCE = "Something went wrong while answering; the bot's log has the details.";

/** Chat.update fails on these; the response_url of the same click can still replace the message. */
const REPLACE_FALLBACK = new Set([
  'message_not_found',
  'cant_update_message',
  'channel_not_found',
  'not_in_channel',
]);

export class SlackDelivery {
  constructor(
    private readonly surface: ChatSurface,
    private readonly chatOps: () => ChatOps,
    private readonly logger: DeliveryLogger,
  ) {}

  /** Delivers every reply, in order; one failed reply is reported to the person and the rest still go. */
  async deliver(replies: readonly Reply[], context: DeliveryContext): Promise<void> {
    for (const reply of replies) {
      try {
        await this.deliverOne(reply, context);
      } catch (error) {
        await this.reportFailure(translateSlackError(error, 'deliver the answer'), context);
      }
    }
  }

  private async deliverOne(reply: Reply, context: DeliveryContext): Promise<void> {
    const { clicked } = context;
    const isPrivate = reply.visibility === 'private';
    // A private card never replaces a message everyone sees; it replaces only a card the clicker alone sees.
    if (reply.replaceOriginal === true && clicked !== undefined && (!isPrivate || clicked.ephemeral)) {
      await this.replaceClicked(reply, clicked, context);
    } else if (isPrivate) {
      await this.surface.postPrivate(context.user, context.conversation, reply.card);
    } else {
      const posted = await this.surface.post(context.conversation, reply.card);
      await this.bind(reply, posted);
    }
  }

  /** Tells the person, and only them, that something went wrong (nothing else is said in the channel). */
  async reportFailure(error: unknown, context: DeliveryContext): Promise<void> {
    const problem = translateSlackError(error, 'answer');
    const unexpected = problem instanceof UnexpectedError;
    // An untranslated error may carry request data: its details go to the log only.
    this.logger.warn(
      { err: unexpected ? error : problem, conversation: context.conversation.id },
      'slack: could not answer',
    );
    const sentence = unexpected ? UNEXPECTED_SENTENCE : problem.message;
    const card = parseCardModel({
      title: 'Not done',
      tone: 'danger',
      notes: [{ text: sentence, tone: 'danger' }],
    });
    try {
      // The response_url reaches the person even where the bot is not a member; otherwise an ephemeral or DM.
      if (context.respond !== undefined) await this.respondWith(context.respond, card, 'ephemeral');
      else await this.surface.postPrivate(context.user, context.conversation, card);
    } catch (notice) {
      this.logger.error(
        { err: translateSlackError(notice, 'report a failure') },
        'slack: failure not reported',
      );
    }
  }

  /**
   * The click's card replaces the clicked message. This runs after Slack's acknowledgement, so the core may
   * have sent the request's newer cards to the message meanwhile (a short run's Done): a reply that carries
   * its place among them (inOrder) goes only if nothing newer went or waits, and never overlaps them.
   */
  private async replaceClicked(reply: Reply, clicked: Clicked, context: DeliveryContext): Promise<void> {
    if (clicked.ephemeral) {
      // The core never updates an ephemeral (chat.update cannot reach one): nothing to keep in order with.
      await this.replaceByResponseUrl(reply.card, context);
      return;
    }
    const outcome = { updated: false };
    const replace = async () => {
      outcome.updated = await this.updateClicked(reply.card, clicked, context);
    };
    if (reply.inOrder === undefined) await replace();
    else await reply.inOrder(clicked.message, replace);
    if (outcome.updated) await this.bind(reply, clicked.message);
  }

  /** chat.update, or the response_url where that cannot reach the message; true for chat.update. */
  private async updateClicked(card: CardModel, clicked: Clicked, context: DeliveryContext): Promise<boolean> {
    try {
      await this.surface.update(clicked.message, card);
      return true;
    } catch (error) {
      const translated = translateSlackError(error, 'update the message');
      const canFallBack =
        translated instanceof ChatDeliveryError &&
        REPLACE_FALLBACK.has(translated.reason) &&
        context.respond !== undefined;
      if (!canFallBack) throw translated;
      await this.replaceByResponseUrl(card, context);
      return false;
    }
  }

  private async replaceByResponseUrl(card: CardModel, context: DeliveryContext): Promise<void> {
    if (context.respond === undefined) {
      throw new ChatDeliveryError(
        'Slack',
        'replace the card',
        'no_response_url',
        'the click came without a response_url',
      );
    }
    await this.respondWith(context.respond, card, 'replace');
  }

  private async respondWith(
    respond: RespondFn,
    card: CardModel,
    how: 'ephemeral' | 'replace',
  ): Promise<void> {
    const message = renderBlockKit(card);
    // Block Kit JSON the renderer already fitted to Slack's limits.
    const blocks = message.blocks as unknown as types.Block[];
    await slackCall('answer through the response_url', () =>
      respond({
        text: message.text,
        blocks,
        ...(how === 'replace'
          ? { replace_original: true }
          : { response_type: 'ephemeral', replace_original: false }),
      }),
    );
  }

  private async bind(reply: Reply, message: MessageRef): Promise<void> {
    if (reply.tracking === undefined || message.messageId.startsWith('ephemeral:')) return;
    await this.chatOps().bindMessage(reply.tracking.requestId, message);
  }
}
