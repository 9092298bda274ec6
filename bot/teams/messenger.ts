import { type Activity, type CloudAdapter, type ResourceResponse, type TurnContext } from 'botbuilder';
import type { CardModel } from '../../cards/model.js';
import type { CardFile } from '../../cards/actions.js';
import type { ChatUser } from '../../commands/chat/types.js';
import { csvActivities, transmitCard } from './card-activity.js';
import { conversationReferenceFor, tenantOfUser, type TeamsReference } from './identity.js';
import { DEFAULT_RETRY, withConnectorRetry, type RetryPolicy } from './retry.js';
import { botAppId, type TeamsSettings } from './settings.js';

const FILES_SENT_CAPACITY = 10_000;

/** The audience of the bot's tokens for the Bot Connector (botframework-connector's ToChannelFromBotOAuthScope). */
const BOT_CONNECTOR_SCOPE = 'https://api.botframework.com';

/** A message the Bot Connector refused (403 bot removed, 404 gone, 413 too big after shrinking, …). */
export class TeamsDeliveryError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    options?: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'TeamsDeliveryError';
  }
}

/** The 1:1 chats the bot has with people, by MRI, learned from their messages and from creating them. */
export class PersonalChats {
  private readonly chats = new Map<string, TeamsReference>();

  constructor(private readonly capacity = 10_000) {}

  remember(userMri: string, reference: TeamsReference): void {
    this.chats.delete(userMri);
    this.chats.set(userMri, reference);
    if (this.chats.size > this.capacity) {
      const oldest = this.chats.keys().next().value;
      if (oldest !== undefined) this.chats.delete(oldest);
    }
  }

  find(userMri: string): TeamsReference | undefined {
    return this.chats.get(userMri);
  }
}

/**
 * Everything the Teams adapter sends outside the HTTP request that triggered it (and 1:1 chats inside it):
 * proactive turns via CloudAdapter.continueConversationAsync (app id, or '' when anonymous — chat-platforms.md
 * §2.5) and createConversationAsync for personal chats, each Bot Connector call with withConnectorRetry.
 */
export class TeamsMessenger {
  /** Cards whose CSV was already posted, so progress updates of one card do not post it again. */
  private readonly filesSent = new Set<string>();

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly settings: TeamsSettings,
    readonly personalChats: PersonalChats,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /**
   * Runs `work` in a proactive turn in the conversation; `topLevel` starts a new channel thread. Errors are
   * caught inside the turn and rethrown here: botbuilder would hand them to onTurnError and resolve.
   */
  async inConversation<T>(
    reference: TeamsReference,
    topLevel: boolean,
    work: (context: TurnContext) => Promise<T>,
  ): Promise<T> {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    await this.adapter.continueConversationAsync(
      botAppId(this.settings),
      conversationReferenceFor(reference, topLevel),
      async (context) => {
        try {
          outcome = { ok: true, value: await work(context) };
        } catch (error) {
          outcome = { ok: false, error };
        }
      },
    );
    if (outcome === undefined) throw new Error('the proactive turn did not run');
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /** Sends a card in a turn (inbound or proactive) and the CSV it offers; resolves with the message id. */
  async sendCard(context: TurnContext, model: CardModel): Promise<string> {
    const { result, files } = await this.call('send a card', () =>
      transmitCard(model, (activity) => context.sendActivity(activity)),
    );
    const id = idOf(result);
    await this.sendFiles(context, id, files);
    return id;
  }

  async updateCard(context: TurnContext, messageId: string, model: CardModel): Promise<void> {
    const { files } = await this.call('update a card', () =>
      transmitCard(model, (activity) => context.updateActivity(activity), messageId),
    );
    await this.sendFiles(context, messageId, files);
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<void> {
    for (const activity of activities)
      await this.call('send a message', () => context.sendActivity(activity));
  }

  /**
   * The user's 1:1 chat with the bot: the one they wrote in, else created (Teams answers with the existing
   * chat when there is one) on the service and tenant of `via`.
   */
  async personalChat(user: ChatUser, via: TeamsReference): Promise<TeamsReference> {
    const known = this.personalChats.find(user.platformUserId);
    if (known) return known;
    const tenantId = via.tenantId ?? tenantOfUser(user);
    let conversationId: string | undefined;
    await this.call('open a personal chat', () =>
      this.adapter.createConversationAsync(
        botAppId(this.settings),
        via.channelId,
        via.serviceUrl,
        BOT_CONNECTOR_SCOPE,
        {
          isGroup: false,
          bot: { id: via.botId, name: via.botName ?? '' },
          members: [{ id: user.platformUserId, name: user.displayName }],
          ...(tenantId === undefined ? {} : { tenantId }),
          channelData: tenantId === undefined ? {} : { tenant: { id: tenantId } },
        },
        (context) => {
          conversationId = context.activity.conversation.id;
          return Promise.resolve();
        },
      ),
    );
    if (conversationId === undefined)
      throw new TeamsDeliveryError('Teams created no conversation', undefined);
    const reference: TeamsReference = {
      ...via,
      conversationId,
      conversationType: 'personal',
      ...(tenantId === undefined ? {} : { tenantId }),
    };
    this.personalChats.remember(user.platformUserId, reference);
    return reference;
  }

  private async sendFiles(context: TurnContext, messageId: string, files: CardFile[]): Promise<void> {
    for (const file of files) {
      const key = `${context.activity.conversation.id}\n${messageId}\n${file.filename}`;
      if (this.filesSent.has(key)) continue;
      this.filesSent.add(key);
      if (this.filesSent.size > FILES_SENT_CAPACITY) {
        const oldest = this.filesSent.values().next().value;
        if (oldest !== undefined) this.filesSent.delete(oldest);
      }
      await this.sendActivities(context, csvActivities(file.filename, file.content));
    }
  }

  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await withConnectorRetry(work, this.retry);
    } catch (error) {
      const status = (error as { statusCode?: unknown }).statusCode;
      const code = typeof status === 'number' ? status : undefined;
      const reason = error instanceof Error ? error.message : String(error);
      throw new TeamsDeliveryError(`Teams did not let the bot ${what}: ${reason}`, code, { cause: error });
    }
  }
}

function idOf(response: ResourceResponse | undefined): string {
  if (response?.id === undefined || response.id === '')
    throw new TeamsDeliveryError('the Bot Connector answered without a message id', undefined);
  return response.id;
}
