import {
  INVOKE_RESPONSE_KEY,
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ConversationRef, Reply } from '../../commands/chat/types.js';
import { activityKey, RecentActivities } from './dedupe.js';
import { conversationRefOf, referenceOf, TeamsIdentityError, tenantOfUser } from './identity.js';
import { mentionedUsers } from './mentions.js';
import {
  answerInvoke,
  applyReplacement,
  deliverReplies,
  errorResponse,
  messageResponse,
  type ReplyDeps,
} from './replies.js';
import {
  commandRequestOf,
  executeRequestOf,
  isSubmit,
  originOf,
  submitRequestOf,
  type Origin,
} from './requests.js';
import type { TeamsSettings } from './settings.js';

export interface TeamsBotDeps extends ReplyDeps {
  settings: TeamsSettings;
  logger: Logger;
  /** Told about conversations the app was installed in, so the core can post there later (digests). */
  rememberConversation?: (conversation: ConversationRef) => Promise<void>;
}

const UNKNOWN_USER =
  'I cannot tell who you are: Teams did not send your Entra user and tenant, so I cannot check your role.';
export const FAILED = "Something went wrong while answering in Teams; the bot's log has the details.";

/**
 * The Teams front end: message activities (personal chat, channels, group chats) become commands, card clicks
 * (Action.Execute invokes, Action.Submit fallbacks) become actions; the chat core answers, replies.ts delivers.
 * Redelivered activities run once (dedupe.ts); a resent invoke gets the first delivery's answer.
 */
export class ChatOpsTeamsBot extends TeamsActivityHandler {
  private readonly recent: RecentActivities<InvokeResponse | undefined>;

  constructor(private readonly deps: TeamsBotDeps) {
    super();
    this.recent = new RecentActivities(deps.settings.dedupeWindowMs);
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.remember(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botAdded = (context.activity.membersAdded ?? []).some(
        (member) => member.id === context.activity.recipient.id,
      );
      if (botAdded) await this.remember(context);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    const key = activityKey(context.activity);
    if (key === undefined) {
      await super.run(context);
      return;
    }
    const delivery = this.recent.once(key, async () => {
      await super.run(context);
      const response: unknown = context.turnState.get(INVOKE_RESPONSE_KEY);
      return (response as { value?: InvokeResponse } | undefined)?.value;
    });
    if (delivery.first) {
      await delivery.outcome;
      return;
    }
    this.deps.logger.info(
      { activityId: context.activity.id },
      'Teams redelivered an activity; not run again',
    );
    const earlier = await delivery.outcome.catch(() => undefined);
    if (context.activity.type === 'invoke' && earlier !== undefined)
      await context.sendActivity({ type: 'invokeResponse', value: earlier });
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const origin = this.originOrNull(context);
    if (origin === null) return messageResponse(UNKNOWN_USER);
    const request = executeRequestOf(invokeValue.action, context.activity, origin);
    if (request === undefined) return errorResponse('The button carried no action.');
    const answered = this.deps.chatOps.handleAction(request);
    const click = {
      verb: request.verb,
      automatic: isAutomatic(context.activity.value),
      messageId: request.message?.messageId,
    };
    try {
      const inTime = await beforeDeadline(answered, this.deps.settings.invokeDeadlineMs);
      if (inTime !== 'late') return await answerInvoke(this.deps, context, origin, inTime, click);
    } catch (error) {
      this.deps.logger.error({ err: error, verb: request.verb }, 'Teams card action failed');
      return errorResponse(FAILED);
    }
    // The core took longer than Teams waits: answer now, apply its replies to the card when they come.
    void this.deliverLate(answered, origin, click.messageId);
    return messageResponse('Working on it… this card will update when done.');
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const origin = this.originOrNull(context);
    if (origin === null) {
      await context.sendActivity(UNKNOWN_USER);
      return;
    }
    if (origin.conversation.kind === 'personal')
      this.deps.messenger.personalChats.remember(origin.user.platformUserId, origin.reference);
    try {
      if (isSubmit(context.activity)) {
        const request = submitRequestOf(context.activity, origin);
        if (request === undefined) return;
        const replies = await this.deps.chatOps.handleAction(request);
        await applyReplacement(this.deps, context, origin, replies, request.message?.messageId);
        return;
      }
      const mentions = await mentionedUsers(context, tenantOfUser(origin.user) ?? '', this.deps.logger);
      const request = commandRequestOf(context.activity, origin, mentions);
      const replies = await this.deps.chatOps.handleCommand(request);
      await deliverReplies(this.deps, context, origin, replies);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'Teams message failed');
      await context.sendActivity(FAILED).catch(() => undefined);
    }
  }

  private async deliverLate(
    answered: Promise<Reply[]>,
    origin: Origin,
    clickedMessageId: string | undefined,
  ): Promise<void> {
    try {
      const replies = await answered;
      await this.deps.messenger.inConversation(origin.reference, false, (context) =>
        applyReplacement(this.deps, context, origin, replies, clickedMessageId),
      );
    } catch (error) {
      this.deps.logger.error({ err: error }, 'late Teams card action replies failed');
    }
  }

  private originOrNull(context: TurnContext): Origin | null {
    try {
      return originOf(context.activity);
    } catch (error) {
      if (!(error instanceof TeamsIdentityError)) throw error;
      this.deps.logger.warn({ reason: error.message }, 'Teams activity without a usable identity');
      return null;
    }
  }

  private async remember(context: TurnContext): Promise<void> {
    const conversation = conversationRefOf(referenceOf(context.activity));
    const from = context.activity.from;
    if (conversation.kind === 'personal' && from.id !== '')
      this.deps.messenger.personalChats.remember(from.id, referenceOf(context.activity));
    await this.deps.rememberConversation?.(conversation).catch((error: unknown) => {
      this.deps.logger.warn({ err: error }, 'could not remember a Teams conversation');
    });
  }
}

/** A refresh Teams fired by itself (value.trigger; botbuilder's AdaptiveCardInvokeValue drops it). */
function isAutomatic(value: unknown): boolean {
  return z
    .object({ trigger: z.literal('automatic') })
    .loose()
    .safeParse(value).success;
}

/** The core's replies, or 'late' once `deadlineMs` passed first. */
async function beforeDeadline(answered: Promise<Reply[]>, deadlineMs: number): Promise<Reply[] | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => {
      resolve('late');
    }, deadlineMs);
  });
  try {
    return await Promise.race([answered, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
