import type { CardModel as Card } from '../../cards/model.js';

/**
 * The contract between the platform adapters (bot/teams, bot/slack — thin translators) and the chat core
 * (commands/chat — platform-free). Adapters turn an activity / event into a CommandRequest or ActionRequest,
 * hand it to ChatOps, and render the Reply's card model with their platform's renderer. For work that
 * outlives the platform's ack deadline, ChatOps keeps going in the background and uses the ChatSurface the
 * adapter registered for that platform to update the card or post new messages.
 */

export type Platform = 'teams' | 'slack';

/** The person acting. `id` is the stable key RBAC uses: Teams `tenantId:aadObjectId`, Slack `teamId:userId`. */
export interface ChatUser {
  platform: Platform;
  id: string;
  displayName: string;
  /** The platform's addressing id: Teams MRI (`29:…`, for refresh.userIds), Slack user id (`U…`). */
  platformUserId: string;
}

/** Where a message lives. Teams: conversation id (+ serviceUrl in `extra`); Slack: channel id. */
export interface ConversationRef {
  platform: Platform;
  id: string;
  kind: 'personal' | 'channel' | 'group';
  /** Platform data an adapter needs to reach the conversation again (Teams conversation reference JSON). */
  extra?: Record<string, unknown>;
}

/** A message the bot posted and may update: Teams activity id, Slack message ts. */
export interface MessageRef {
  conversation: ConversationRef;
  messageId: string;
}

export interface CommandRequest {
  user: ChatUser;
  conversation: ConversationRef;
  /** The command text with any bot mention already removed, e.g. "bind alice@contoso.com --no-welcome". */
  text: string;
  /**
   * Other users the message mentions, in order (Teams mention entities, Slack <@U…>), so "admins grant @Alex
   * approver" can name someone by mention. Optional, additive: commands without people ignore it.
   */
  mentions?: ChatUser[];
}

/** A button click: the card button's verb and its opaque data (cards/model.ts buttonDataSchema). */
export interface ActionRequest {
  user: ChatUser;
  conversation: ConversationRef;
  verb: string;
  data: Record<string, string>;
  /** The message that carried the button, when the platform says (Slack message.ts, Teams replyToId). */
  message?: MessageRef;
}

/** Who sees a reply: everyone in the conversation, or only the acting user (Slack ephemeral; Teams personal chat / user-specific view). */
export type Visibility = 'conversation' | 'private';

export interface Reply {
  card: Card;
  visibility: Visibility;
  /** Set when the bot will keep this message up to date: adapters report the posted message id back via `bind`. */
  tracking?: { requestId: string };
  /**
   * Only in handleAction replies: this card replaces the card whose button was clicked (Teams: the invoke
   * response / updateActivity; Slack: chat.update or response_url replace_original). Otherwise the reply is a
   * new message (or, when private, an ephemeral one). Optional, additive.
   */
  replaceOriginal?: boolean;
  /**
   * With replaceOriginal, for a card the core keeps up to date (a request's): the adapter runs its own
   * replacement of the clicked message through this, which keeps it in order with the core's other updates of
   * that message. Optional, additive: an adapter without it replaces the message directly.
   */
  inOrder?: ReplaceInOrder;
}

/**
 * Runs `replace` — the adapter replacing `message` with the reply's card — after the core's update of that
 * message in flight, if any; resolves false without running it when the core already sent or queued a newer
 * card for the message (the reply would paint an older state over it). Rejects as `replace` does.
 */
export type ReplaceInOrder = (message: MessageRef, replace: () => Promise<void>) => Promise<boolean>;

/** What an adapter implements so ChatOps can update cards and post outside a request (progress, digests, approvals). */
export interface ChatSurface {
  readonly platform: Platform;
  post(conversation: ConversationRef, card: Card): Promise<MessageRef>;
  update(message: MessageRef, card: Card): Promise<void>;
  /** Only `user` sees it: Slack chat.postEphemeral / DM; Teams 1:1 chat. Never a channel. */
  postPrivate(user: ChatUser, conversation: ConversationRef, card: Card): Promise<void>;
  /** A file beside a message (the CSV export). */
  uploadFile(conversation: ConversationRef, filename: string, content: string): Promise<void>;
}

/** The chat core's entry points, called by both adapters. Each answers well inside the ack deadline. */
export interface ChatOps {
  handleCommand(request: CommandRequest): Promise<Reply[]>;
  handleAction(request: ActionRequest): Promise<Reply[]>;
  /** The adapter tells the core which message a tracked reply became, so later updates edit it in place. */
  bindMessage(requestId: string, message: MessageRef): Promise<void>;
}
