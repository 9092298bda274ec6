import type { Logger } from 'pino';
import { createChatOps, type ChatCore } from '../../commands/chat/ops.js';
import type { ChatStores } from '../../commands/chat/ports.js';
import type { ChatSettingsInput } from '../../commands/chat/settings.js';
import type { Engine } from '../../commands/engine/engine.js';
import type { Clock } from '../../commands/engine/ports.js';
import type { Repositories } from '../../storage/repositories/index.js';
import type { Scheduler } from '../../storage/scheduler.js';
import { attachChatJobs, CHAT_JOBS, createChatJobs } from '../chat-jobs.js';
import type { Route } from '../http/server.js';
import { createSlackAdapter, type SlackAdapter } from '../slack/app.js';
import type { SlackAdapterOptionsInput } from '../slack/options.js';
import { createTeamsEndpoint } from '../teams/adapter.js';
import type { TeamsSettingsInput } from '../teams/settings.js';

/** The chat core on the engine, and the platform adapters in front of it. */

export function startChatCore(deps: {
  databaseAvailable: () => boolean;
  engine: Engine;
  repositories: Repositories;
  stores: ChatStores;
  scheduler: Scheduler;
  clock: Clock;
  settings: ChatSettingsInput;
  logger: Logger;
}): ChatCore {
  const core = createChatOps({
    engine: deps.engine,
    directory: deps.repositories,
    stores: deps.stores,
    audit: deps.repositories.audit,
    jobs: createChatJobs(deps.scheduler, CHAT_JOBS),
    clock: deps.clock,
    settings: deps.settings,
    logger: deps.logger.child({ component: 'chat' }),
    databaseAvailable: deps.databaseAvailable,
  });
  // From here on, approval-expiry and digest jobs that came due while the core was being built run.
  attachChatJobs(core);
  return core;
}

export interface ChatAdapters {
  routes: Route[];
  slack: SlackAdapter | undefined;
  /** Socket Mode connects here; over HTTP there is nothing to start (the bot's server serves the route). */
  start(): Promise<void>;
  /** Waits (up to timeoutMs) for work the adapters started after their acks. */
  stop(timeoutMs: number): Promise<void>;
  /** Resolves when the adapters have no work running. */
  idle(): Promise<void>;
}

/**
 * The Teams endpoint and the Slack app, each registered with the core as its platform's surface. Either may be
 * absent (its settings undefined); runs after resumeInterrupted() only once the surfaces exist, so a resumed
 * run can update its card.
 */
export async function startChatAdapters(deps: {
  core: ChatCore;
  stores: ChatStores;
  teams: TeamsSettingsInput | undefined;
  slack: SlackAdapterOptionsInput | undefined;
  logger: Logger;
}): Promise<ChatAdapters> {
  const { core, logger } = deps;
  const routes: Route[] = [];
  const teams = deps.teams === undefined ? undefined : createTeamsEndpoint({ settings: deps.teams, logger });
  if (teams !== undefined) {
    core.registerSurface(teams.surface);
    routes.push(
      teams.route(core, {
        rememberConversation: (conversation) => deps.stores.conversations.remember(conversation),
      }),
    );
  }
  const slack =
    deps.slack === undefined ? undefined : await createSlackAdapter(deps.slack, { chatOps: core, logger });
  if (slack !== undefined) {
    core.registerSurface(slack.surface);
    if (slack.route !== undefined) routes.push(slack.route);
  }
  return {
    routes,
    slack,
    start: async () => {
      await slack?.start();
    },
    stop: async (timeoutMs) => {
      await Promise.all([teams?.stop(timeoutMs), slack?.stop(timeoutMs)]);
    },
    idle: async () => {
      await Promise.all([teams?.idle(), slack?.idle()]);
    },
  };
}
