import type { App, RespondFn } from '@slack/bolt';
import { InvalidInputError } from '../../commands/errors.js';
import { SLASH_COMMAND } from '../../manifest/commands.js';
import type { ChatOps, CommandRequest } from '../../commands/chat/types.js';
import type { DeliveryContext, SlackDelivery } from './delivery.js';
import type { DisplayNames } from './names.js';
import {
  actionFromBlockAction,
  blockActionSchema,
  ButtonPayloadError,
  commandFromDirectMessage,
  commandFromMention,
  commandFromSlash,
  directMessageEventSchema,
  mentionedUsers,
  mentionEventSchema,
  slackConversation,
  slackUser,
  slashCommandSchema,
  type BlockActionPayload,
  type DirectMessageEvent,
  type MentionEvent,
  type SlashCommandPayload,
} from './translate.js';

/**
 * The Bolt listeners. Each one acknowledges first — an empty ack, well inside Slack's 3 s (Bolt acks events
 * itself before listeners run) — and only then asks the chat core and delivers its replies. With
 * processBeforeResponse false the ack is the HTTP response; the work is handed to the after-ack queue
 * (after-ack.ts), so it starts only once the response is out and never crowds out the acks of other requests.
 */

export interface ListenerLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ListenerDeps {
  chatOps: () => ChatOps;
  delivery: SlackDelivery;
  names: DisplayNames;
  botUserId: string;
  /** Runs a request's work after its ack (queued, bounded; a shutdown waits for it); settles as it does. */
  afterAck: (work: () => Promise<void>) => Promise<void>;
  logger: ListenerLogger;
}

/** What runs after the ack: Slack payload → chat core → replies delivered. */
class SlackInbound {
  constructor(private readonly deps: ListenerDeps) {}

  async slashCommand(payload: SlashCommandPayload, respond: RespondFn): Promise<void> {
    const name = await this.deps.names.of(payload.user_id, payload.user_name);
    await this.command(commandFromSlash(payload, name), payload.text, respond);
  }

  async mention(event: MentionEvent, teamId: string): Promise<void> {
    const name = await this.deps.names.of(event.user);
    await this.command(commandFromMention(event, teamId, this.deps.botUserId, name), event.text, undefined);
  }

  async directMessage(event: DirectMessageEvent, teamId: string): Promise<void> {
    const name = await this.deps.names.of(event.user);
    const request = commandFromDirectMessage(event, teamId, this.deps.botUserId, name);
    await this.command(request, event.text, undefined);
  }

  async click(payload: BlockActionPayload, teamId: string, respond: RespondFn | undefined): Promise<void> {
    const { delivery, logger } = this.deps;
    const name = await this.deps.names.of(payload.user.id, payload.user.name ?? payload.user.username);
    let request;
    try {
      request = actionFromBlockAction(payload, payload.team?.id ?? teamId, name);
    } catch (error) {
      if (!(error instanceof ButtonPayloadError)) throw error;
      logger.warn({ problem: error.message }, 'slack: button click not understood');
      const channelId = payload.container?.channel_id ?? payload.channel?.id;
      if (channelId === undefined) return;
      await delivery.reportFailure(
        new InvalidInputError('That button is not one this bot can read; nothing was done.'),
        {
          user: slackUser(payload.team?.id ?? teamId, payload.user.id, name),
          conversation: slackConversation(channelId),
          respond,
        },
      );
      return;
    }
    const context: DeliveryContext = {
      user: request.user,
      conversation: request.conversation,
      respond,
      ...(request.message
        ? { clicked: { message: request.message, ephemeral: payload.container?.is_ephemeral === true } }
        : {}),
    };
    try {
      await delivery.deliver(await this.deps.chatOps().handleAction(request), context);
    } catch (error) {
      logger.error({ err: error, verb: request.verb }, 'slack: button click failed');
      await delivery.reportFailure(error, context);
    }
  }

  private async command(translated: CommandRequest, rawText: string, respond: RespondFn | undefined) {
    const { delivery, logger } = this.deps;
    const request = await this.withMentions(translated, rawText);
    const context: DeliveryContext = { user: request.user, conversation: request.conversation, respond };
    try {
      await delivery.deliver(await this.deps.chatOps().handleCommand(request), context);
    } catch (error) {
      logger.error({ err: error, conversation: request.conversation.id }, 'slack: command failed');
      await delivery.reportFailure(error, context);
    }
  }

  /** Other people the text mentions (<@U…>), so "admins grant @samir approver" can name them. */
  private async withMentions(request: CommandRequest, text: string): Promise<CommandRequest> {
    const team = request.user.id.split(':')[0] ?? '';
    const mentions = await Promise.all(
      mentionedUsers(text, this.deps.botUserId).map(async ({ id, label }) =>
        slackUser(team, id, await this.deps.names.of(id, label)),
      ),
    );
    return mentions.length === 0 ? request : { ...request, mentions };
  }
}

/** The workspace a request came from: Bolt's context, else the body's team_id. */
function teamOf(context: { teamId?: string | undefined }, body: unknown): string {
  const fromBody = (body as { team_id?: unknown }).team_id;
  return context.teamId ?? (typeof fromBody === 'string' ? fromBody : 'T0UNKNOWN');
}

export function registerListeners(app: App, deps: ListenerDeps): void {
  const inbound = new SlackInbound(deps);
  const { logger, afterAck } = deps;

  app.command(SLASH_COMMAND, async ({ ack, body, respond }) => {
    await ack();
    await afterAck(async () => {
      const parsed = slashCommandSchema.safeParse(body);
      if (parsed.success) await inbound.slashCommand(parsed.data, respond);
      else logger.warn({ problem: parsed.error.message }, 'slack: unreadable slash command');
    });
  });

  app.event('app_mention', async ({ event, body, context }) => {
    await afterAck(async () => {
      const parsed = mentionEventSchema.safeParse(event);
      if (parsed.success) await inbound.mention(parsed.data, teamOf(context, body));
    });
  });

  app.message(async ({ message, body, context }) => {
    await afterAck(async () => {
      // Edits, joins, file shares (subtype), other bots (bot_id) and anything outside a DM are not commands.
      const parsed = directMessageEventSchema.safeParse(message);
      if (parsed.success) await inbound.directMessage(parsed.data, teamOf(context, body));
    });
  });

  // Every button: the renderer's action_id is the verb (with "#n" for a repeated verb), so one listener.
  app.action({ type: 'block_actions' }, async ({ ack, body, context, respond }) => {
    await ack();
    await afterAck(async () => {
      const parsed = blockActionSchema.safeParse(body);
      if (parsed.success) await inbound.click(parsed.data, teamOf(context, body), respond);
      else logger.warn({ problem: parsed.error.message }, 'slack: unreadable button click');
    });
  });
}
