import { createServer } from 'node:http';
import { closeServer, listenOnLoopback, sendJson, waitUntil } from '../teams/loopback-http.js';
import { realClock } from '../teams/window-limiter.js';
import type { ChatClock } from '../teams/window-limiter.js';
import { slackApiOptionsSchema } from './options.js';
import type { SlackApiOptions, SlackApiOptionsInput } from './options.js';
import type { ResponseUrlOptions } from './response-url.js';
import { createSlackRouter } from './router.js';
import { SlackStore } from './store.js';
import type {
  ApiCall,
  Ephemeral,
  MessageUpdate,
  ResponseUrlPost,
  SlackMessage,
  UploadedFile,
} from './store.js';

export type {
  ApiCall,
  Ephemeral,
  MessageUpdate,
  ResponseUrlPost,
  SlackMessage,
  UploadedFile,
} from './store.js';
export type { SlackApiOptionsInput } from './options.js';

/**
 * A loopback stand-in for the Slack Web API (`clientOptions.slackApiUrl = api.apiUrl`), as strict as Slack:
 * bot token checked on every call (not_authed / invalid_auth), Block Kit limits, channel membership, HTTP 200
 * `{ok:false,error}` for errors and 429 + Retry-After per method tier. Also mints response_url endpoints.
 */
export interface SlackApi {
  /** `http://127.0.0.1:P/api/` */
  readonly apiUrl: string;
  readonly port: number;
  readonly options: SlackApiOptions;
  /** A response_url for an interaction in `channel` by `user` (messageTs: the message it came from). */
  responseUrlFor(channel: string, user: string, options?: ResponseUrlOptions): string;
  /** The bot's DM channel with a user, as after the user wrote to the app (id `D…`). */
  openDirectMessage(userId: string): string;
  /** Messages the bot posted (deleted ones included, flagged), in order. */
  messages(channel?: string): SlackMessage[];
  updates(channel?: string): MessageUpdate[];
  ephemerals(user?: string): Ephemeral[];
  responseUrlPosts(): ResponseUrlPost[];
  files(): UploadedFile[];
  /** Every Web API call with its outcome, in order. */
  calls(): ApiCall[];
  /** Resolves once `predicate` holds (checked after every change). */
  waitFor(predicate: () => boolean, what?: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSlackApi(
  input: SlackApiOptionsInput = {},
  clock: ChatClock = realClock,
): Promise<SlackApi> {
  const options = slackApiOptionsSchema.parse(input);
  const store = new SlackStore(options, clock);
  let baseUrl = '';
  const { route, responseUrls } = createSlackRouter(store, clock, () => baseUrl);
  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal_error', detail: String(error) });
    });
  });
  const port = await listenOnLoopback(server, options.port);
  baseUrl = `http://127.0.0.1:${port}/`;
  const subscribe = (listener: () => void) => {
    store.events.on('change', listener);
    return () => store.events.off('change', listener);
  };

  return {
    apiUrl: `${baseUrl}api/`,
    port,
    options,
    responseUrlFor: (channel, user, mintOptions) => responseUrls.mint(channel, user, mintOptions),
    openDirectMessage: (userId) => store.directMessageChannel(userId).id,
    messages: (channel) =>
      store.messages.filter((message) => channel === undefined || message.channel === channel),
    updates: (channel) =>
      store.updates.filter((update) => channel === undefined || update.channel === channel),
    ephemerals: (user) =>
      store.ephemerals.filter((ephemeral) => user === undefined || ephemeral.user === user),
    responseUrlPosts: () => [...store.responseUrlPosts],
    files: () => [...store.files.values()],
    calls: () => [...store.calls],
    waitFor: (predicate, what = 'the Slack stand-in', timeoutMs = 5_000) =>
      waitUntil(subscribe, predicate, timeoutMs, what),
    close: () => closeServer(server),
  };
}
