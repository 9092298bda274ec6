import type { ConnectorOptions, ConnectorPerson } from './connector-options.js';
import type { ConnectorStore, ConversationRecord } from './connector-store.js';
import type { ChatClock } from './window-limiter.js';

/**
 * Inbound activities as Teams delivers them to a bot (chat-platforms §2.3), addressed so the bot's replies go
 * to this connector: `serviceUrl` is the connector's, the conversation is registered with it.
 */
export type InboundActivity = Record<string, unknown> & {
  id: string;
  conversation: Record<string, unknown> & { id: string };
};

export interface MessageOptions {
  /** Channel and group chat messages reach the bot only when they @mention it; default true. */
  mentionBot?: boolean;
  /** Channel: which channel (default General, whose id is the team id). */
  channelId?: string;
  /** Channel: reply inside this thread root (default: a new thread rooted at this message). */
  threadRootId?: string;
}

export interface CardActionOptions {
  conversationId: string;
  /** The id of the card's message (the invoke's replyToId). */
  replyToId: string;
  verb: string;
  data?: Record<string, unknown>;
  trigger?: 'manual' | 'automatic';
}

export class InboundActivities {
  constructor(
    private readonly options: ConnectorOptions,
    private readonly store: ConnectorStore,
    private readonly serviceUrl: string,
    private readonly personalConversation: (person: ConnectorPerson) => ConversationRecord,
    private readonly clock: ChatClock,
  ) {}

  /** The configured person with this MRI, aadObjectId or e-mail. */
  person(idOrEmail: string): ConnectorPerson {
    const key = idOrEmail.toLowerCase();
    const found = this.options.users.find(
      (user) =>
        user.id === idOrEmail || user.aadObjectId.toLowerCase() === key || user.email.toLowerCase() === key,
    );
    if (!found) throw new Error(`no such Teams user in the connector's roster: ${idOrEmail}`);
    return found;
  }

  personalMessage(user: ConnectorPerson, text: string): InboundActivity {
    const conversation = this.personalConversation(user);
    return this.message(user, text, { id: conversation.id, conversationType: 'personal' }, false);
  }

  channelMessage(user: ConnectorPerson, text: string, options: MessageOptions = {}): InboundActivity {
    const team = this.options.team;
    const channelId = options.channelId ?? team.id;
    const id = this.store.newActivityId();
    const threadRoot = options.threadRootId ?? id;
    const activity = this.message(
      user,
      text,
      { id: `${channelId};messageid=${threadRoot}`, conversationType: 'channel', isGroup: true },
      options.mentionBot ?? true,
      id,
    );
    activity.channelData = {
      ...(activity.channelData as Record<string, unknown>),
      teamsChannelId: channelId,
      teamsTeamId: team.id,
      channel: { id: channelId },
      team: { id: team.id, name: team.name },
    };
    return activity;
  }

  groupChatMessage(user: ConnectorPerson, text: string, options: MessageOptions = {}): InboundActivity {
    const conversation = { id: this.options.groupChat.id, conversationType: 'groupChat', isGroup: true };
    return this.message(user, text, conversation, options.mentionBot ?? true);
  }

  /** An Action.Execute click: invoke `adaptiveCard/action` with value.action.{verb, data}. */
  cardAction(user: ConnectorPerson, action: CardActionOptions): InboundActivity {
    const record = this.store.conversation(action.conversationId);
    if (!record) throw new Error(`unknown conversation ${action.conversationId}`);
    return {
      ...this.base(user, { id: action.conversationId, conversationType: record.type }),
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId: action.replyToId,
      value: {
        action: { type: 'Action.Execute', verb: action.verb, data: action.data ?? {} },
        trigger: action.trigger ?? 'manual',
      },
    };
  }

  private message(
    user: ConnectorPerson,
    text: string,
    conversation: Record<string, unknown> & { id: string; conversationType: string },
    mentionBot: boolean,
    id?: string,
  ): InboundActivity {
    const bot = this.options.bot;
    const mention = `<at>${bot.name}</at>`;
    const activity: InboundActivity = {
      ...this.base(user, conversation, id),
      type: 'message',
      text: mentionBot ? `${mention} ${text}` : text,
      textFormat: 'plain',
    };
    if (mentionBot)
      activity.entities = [
        ...(activity.entities as unknown[]),
        { type: 'mention', text: mention, mentioned: { id: bot.id, name: bot.name } },
      ];
    return activity;
  }

  private base(
    user: ConnectorPerson,
    conversation: Record<string, unknown> & { id: string; conversationType: string },
    id = this.store.newActivityId(),
  ): InboundActivity {
    const now = new Date(this.clock.now()).toISOString();
    const activity: InboundActivity = {
      id,
      channelId: 'msteams',
      serviceUrl: this.serviceUrl,
      timestamp: now,
      localTimestamp: now,
      locale: 'en-US',
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      recipient: { id: this.options.bot.id, name: this.options.bot.name },
      conversation: { ...conversation, tenantId: this.options.tenantId },
      channelData: { tenant: { id: this.options.tenantId } },
      entities: [{ type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: 'UTC' }],
    };
    return activity;
  }
}
