import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { Logger } from 'pino';
import type { ChatOps, ConversationRef } from '../../commands/chat/types.js';
import type { Route } from '../http/server.js';
import { ChatOpsTeamsBot } from './bot.js';
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
}

/**
 * CloudAdapter with ConfigurationBotFrameworkAuthentication built from our parsed settings (never from
 * process.env; chat-platforms.md §2.1), the surface the chat core posts through, and the messaging route.
 */
export function createTeamsEndpoint(options: TeamsEndpointOptions): TeamsEndpoint {
  const settings = teamsSettingsSchema.parse(options.settings);
  const logger = options.logger.child({ platform: 'teams' });
  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication(botFrameworkAuthOptions(settings)),
  );
  adapter.onTurnError = (context, error) => {
    logger.error({ err: error, activityType: context.activity.type }, 'Teams turn failed');
    return Promise.resolve();
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
  };
}
