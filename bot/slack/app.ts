import {
  App,
  HTTPReceiver,
  LogLevel,
  SocketModeReceiver,
  webApi,
  type Logger as BoltLogger,
} from '@slack/bolt';
import type { Logger } from 'pino';
import type { ChatOps, ChatSurface } from '../../commands/chat/types.js';
import { ChatPlatformAuthError } from '../../commands/errors.js';
import type { Route } from '../http/server.js';
import { AfterAckQueue, within } from '../http/after-ack.js';
import { pendingAcks } from '../http/pending-acks.js';
import { boltLogger } from './bolt-logger.js';
import { dedupeEvents, RecentIds } from './dedupe.js';
import { SlackDelivery } from './delivery.js';
import { translateSlackError } from './errors.js';
import { registerListeners } from './listeners.js';
import { DisplayNames } from './names.js';
import {
  SLACK_EVENTS_PATH,
  slackAdapterOptionsSchema,
  webClientOptions,
  type SlackAdapterOptions,
  type SlackAdapterOptionsInput,
} from './options.js';
import { createSlackSurface } from './surface.js';

/**
 * The Slack adapter: a Bolt App on the bot's own HTTP server (POST /slack/events, mounted as a Route — Bolt
 * reads the raw body itself and verifies the signature) or, with an app-level token, over Socket Mode.
 * Bolt never calls auth.test on its own: it gets the bot's ids from the options or from the one auth.test
 * made here at start-up.
 */

export interface SlackAdapter {
  /** For ChatOps (registerSurface): post, update, postPrivate and upload outside a request. */
  readonly surface: ChatSurface;
  /** POST /slack/events for bot/http/server.ts; undefined in Socket Mode (nothing to serve). */
  readonly route: Route | undefined;
  readonly botUserId: string;
  readonly botId: string;
  /** Socket Mode: opens the connection. HTTP: nothing to do (the shared server serves `route`). */
  start(): Promise<void>;
  /** Closes Socket Mode and waits (up to timeoutMs) for work still running after its ack. */
  stop(timeoutMs: number): Promise<void>;
  /** Resolves when no work is running (tests, shutdown). */
  idle(): Promise<void>;
}

export interface SlackAdapterDeps {
  /** The chat core; a function when it is built after the adapter (it needs the adapter's surface). */
  chatOps: ChatOps | (() => ChatOps);
  logger: Logger;
}

interface BotIdentity {
  botId: string;
  botUserId: string;
}

/** auth.test, once, awaited: a wrong token or an unreachable API stops start-up with a clear message. */
async function identify(options: SlackAdapterOptions): Promise<BotIdentity> {
  if (options.botId !== undefined && options.botUserId !== undefined) {
    return { botId: options.botId, botUserId: options.botUserId };
  }
  const client = new webApi.WebClient(options.botToken.reveal(), {
    ...webClientOptions(options),
    retryConfig: { retries: 1 },
    logLevel: webApi.LogLevel.ERROR,
  });
  let answer: webApi.AuthTestResponse;
  try {
    answer = await client.auth.test();
  } catch (error) {
    throw translateSlackError(error, `check the bot token (auth.test at ${options.apiUrl})`);
  }
  if (answer.bot_id === undefined || answer.user_id === undefined) {
    throw new ChatPlatformAuthError(
      'Slack',
      'check the bot token',
      'auth.test named no bot (is it a bot token?)',
    );
  }
  return { botId: answer.bot_id, botUserId: answer.user_id };
}

type SlackReceiver = HTTPReceiver | SocketModeReceiver;

/** HTTP (signed requests on our server) unless an app-level token asks for Socket Mode. */
function createReceiver(
  options: SlackAdapterOptions,
  bolt: BoltLogger,
  clientOptions: object,
): SlackReceiver {
  if (options.appToken !== undefined) {
    return new SocketModeReceiver({
      appToken: options.appToken.reveal(),
      logger: bolt,
      // Reconnects call apps.connections.open; bounded here instead of the client's 100 retries.
      installerOptions: { clientOptions: { ...clientOptions, retryConfig: { retries: 10, factor: 1.5 } } },
    });
  }
  if (options.signingSecret === undefined) throw new Error('unreachable: the options schema requires it');
  return new HTTPReceiver({
    signingSecret: options.signingSecret.reveal(),
    endpoints: SLACK_EVENTS_PATH,
    // Ack first, then work: the ack is the HTTP response, sent the moment a listener calls ack().
    processBeforeResponse: false,
    logger: bolt,
  });
}

/** POST /slack/events on the bot's server. Never receiver.start(): it would listen on every interface. */
function routeFor(receiver: SlackReceiver): Route | undefined {
  if (!(receiver instanceof HTTPReceiver)) return undefined;
  return {
    path: SLACK_EVENTS_PATH,
    methods: {
      POST: (req, res) => {
        pendingAcks.track(res);
        receiver.requestListener(req, res);
      },
    },
  };
}

export async function createSlackAdapter(
  input: SlackAdapterOptionsInput,
  deps: SlackAdapterDeps,
): Promise<SlackAdapter> {
  const options = slackAdapterOptionsSchema.parse(input);
  const identity = await identify(options);
  const logger = deps.logger.child({ component: 'slack' });
  const bolt = boltLogger(deps.logger);
  const clientOptions = { ...webClientOptions(options), logger: bolt, logLevel: LogLevel.INFO };
  const receiver = createReceiver(options, bolt, clientOptions);
  const app = new App({
    receiver,
    token: options.botToken.reveal(),
    botId: identity.botId,
    botUserId: identity.botUserId,
    logger: bolt,
    clientOptions,
    // Bolt's conversation store middleware costs every request an extra step before its ack; nothing reads it.
    convoStore: false,
  });
  app.error((error) => {
    logger.error({ err: error }, 'slack: unhandled error in a listener');
    return Promise.resolve();
  });

  const chatOps = typeof deps.chatOps === 'function' ? deps.chatOps : () => deps.chatOps as ChatOps;
  const surface = createSlackSurface(app.client);
  const afterAck = new AfterAckQueue(options.afterAckConcurrency);
  app.use(dedupeEvents(new RecentIds(options.dedupeWindowMs), logger));
  registerListeners(app, {
    chatOps,
    delivery: new SlackDelivery(surface, chatOps, logger),
    names: new DisplayNames(app.client),
    botUserId: identity.botUserId,
    afterAck: (work) => afterAck.run(work),
    logger,
  });

  return {
    surface,
    route: routeFor(receiver),
    botId: identity.botId,
    botUserId: identity.botUserId,
    async start() {
      if (!(receiver instanceof SocketModeReceiver)) return;
      try {
        await app.start();
      } catch (error) {
        throw translateSlackError(error, 'open the Socket Mode connection (check the app-level token)');
      }
    },
    async stop(timeoutMs) {
      // Bolt's app.stop() does not wait for the WebSocket close handshake; the client's disconnect() does.
      const disconnected = receiver instanceof SocketModeReceiver ? receiver.client.disconnect() : undefined;
      await within(timeoutMs, Promise.all([disconnected, afterAck.idle()]));
    },
    idle: () => afterAck.idle(),
  };
}
