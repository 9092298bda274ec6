import { ConfigurationBotFrameworkAuthentication, type CloudAdapter } from 'botbuilder';
import type { Logger } from 'pino';
import type { ChatOps, ConversationRef } from '../../commands/chat/types.js';
import type { Route } from '../http/server.js';
import { AfterAckQueue, within } from '../http/after-ack.js';
import { AckingCloudAdapter } from './acking-adapter.js';
import { ChatOpsTeamsBot, FAILED } from './bot.js';
import { PersonalChats, TeamsMessenger } from './messenger.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
import { teamsMessagesRoute } from './route.js';
import {
  botFrameworkAuthOptions,
  isAnonymous,
  teamsSettingsSchema,
  type TeamsSettingsInput,
} from './settings.js';
import { TeamsSurface } from './surface.js';

export interface TeamsEndpointOptions {
  settings: TeamsSettingsInput;
  logger: Logger;
  /** Backoff for Bot Connector calls (tests pass a fast one). */
  retry?: RetryPolicy;
}

export interface TeamsRouteOptions {
  /** Told about conversations the app was installed in (e.g. the chat core's ConversationRefs.remember). */
  rememberConversation?: (conversation: ConversationRef) => Promise<void>;
}

/**
 * The Teams platform adapter, in two steps because the chat core and the adapter need each other:
 *
 *   const teams = createTeamsEndpoint({ settings, logger });   // CloudAdapter + ChatSurface
 *   const chatOps = createChatOps({ …, surfaces: { teams: teams.surface } });
 *   routes.push(teams.route(chatOps));                         // POST /api/messages
 */
export interface TeamsEndpoint {
  adapter: CloudAdapter;
  surface: TeamsSurface;
  /** True in local mode (no app id): no JWT checks in, no tokens out. */
  anonymous: boolean;
  route(chatOps: ChatOps, options?: TeamsRouteOptions): Route;
  /** Resolves when no message turn is waiting or running (they run after their HTTP answer). */
  idle(): Promise<void>;
  /** Waits (up to timeoutMs) for message turns still waiting or running. */
  stop(timeoutMs: number): Promise<void>;
}

/**
 * CloudAdapter with ConfigurationBotFrameworkAuthentication built from our parsed settings (never from
 * process.env; chat-platforms.md §2.1), the surface the chat core posts through, and the messaging route.
 */
export function createTeamsEndpoint(options: TeamsEndpointOptions): TeamsEndpoint {
  const settings = teamsSettingsSchema.parse(options.settings);
  const logger = options.logger.child({ platform: 'teams' });
  const afterAck = new AfterAckQueue(settings.afterAckConcurrency);
  const adapter = new AckingCloudAdapter(
    new ConfigurationBotFrameworkAuthentication(botFrameworkAuthOptions(settings)),
    afterAck,
    logger,
  );
  adapter.onTurnError = async (context, error) => {
    logger.error({ err: error, activityType: context.activity.type }, 'Teams turn failed');
    // A message was answered before its turn ran, so the person hears of the failure only from a reply.
    if (context.activity.type === 'message')
      await context.sendActivity(FAILED).catch((notice: unknown) => {
        logger.warn({ err: notice }, 'could not tell the sender that their Teams message failed');
      });
  };
  const messenger = new TeamsMessenger(
    adapter,
    settings,
    new PersonalChats(),
    options.retry ?? DEFAULT_RETRY,
  );
  const surface = new TeamsSurface(messenger);
  if (isAnonymous(settings))
    logger.warn('Teams endpoint in local mode: no MicrosoftAppId, so requests are not authenticated');
  return {
    adapter,
    surface,
    anonymous: isAnonymous(settings),
    route(chatOps, routeOptions = {}) {
      const bot = new ChatOpsTeamsBot({
        chatOps,
        messenger,
        surface,
        settings,
        logger,
        ...(routeOptions.rememberConversation === undefined
          ? {}
          : { rememberConversation: routeOptions.rememberConversation }),
      });
      return teamsMessagesRoute(adapter, bot, settings.maxBodyBytes);
    },
    idle: () => afterAck.idle(),
    stop: (timeoutMs) => within(timeoutMs, afterAck.idle()),
  };
}
