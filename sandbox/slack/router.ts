import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../teams/loopback-http.js';
import { retryAfterSeconds, SlidingWindowLimiter } from '../teams/window-limiter.js';
import type { ChatClock, WindowRule } from '../teams/window-limiter.js';
import { SlackError } from './blocks.js';
import { deleteMessage, postEphemeral, postMessage, updateMessage } from './chat-methods.js';
import type { Args, MethodContext, MethodResult } from './chat-methods.js';
import { firstFilePart } from './multipart.js';
import { authTest, completeUpload, conversationsOpen, getUploadUrl, usersInfo } from './other-methods.js';
import { parseArgs, tokenOf } from './request-args.js';
import { ResponseUrls } from './response-url.js';
import type { SlackStore } from './store.js';

/**
 * The stand-in's HTTP routes: POST|GET /api/{method} (token check, tier limits, `{ok:false,error}` with HTTP
 * 200 as Slack answers, 429 + Retry-After), POST /upload/v1/{fileId} (files.uploadV2's upload URL) and
 * POST /response/{token} (response_url).
 */
const perMinute = (limit: number): WindowRule[] => [{ limit, windowMs: 60_000 }];
/** Tier 3 (50+/min) and Tier 4 (100+/min), per method per workspace (chat-platforms §1.3). */
const TIER_3 = perMinute(50);
const TIER_4 = perMinute(100);
/** chat.postMessage: ~1/s per channel with short bursts [burst size unconfirmed: 3], several hundred/min overall. */
const POST_PER_CHANNEL: WindowRule[] = [
  { limit: 3, windowMs: 1_000 },
  { limit: 60, windowMs: 60_000 },
];
const POST_PER_WORKSPACE = perMinute(300);

type Method = (args: Args, context: MethodContext) => MethodResult;
const METHODS: Record<string, { run: Method; tier: WindowRule[] }> = {
  'chat.postMessage': { run: postMessage, tier: POST_PER_WORKSPACE },
  'chat.update': { run: updateMessage, tier: TIER_3 },
  'chat.delete': { run: deleteMessage, tier: TIER_3 },
  'chat.postEphemeral': { run: postEphemeral, tier: TIER_4 },
  'conversations.open': { run: conversationsOpen, tier: TIER_3 },
  'users.info': { run: usersInfo, tier: TIER_4 },
  'auth.test': { run: authTest, tier: TIER_4 },
  'files.getUploadURLExternal': { run: getUploadUrl, tier: TIER_4 },
  'files.completeUploadExternal': { run: completeUpload, tier: TIER_4 },
};

class RateLimited extends Error {
  constructor(readonly retryAfterMs: number) {
    super('ratelimited');
  }
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface SlackRouter {
  route: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  responseUrls: ResponseUrls;
}

/** `baseUrl()`: `http://127.0.0.1:P/`, known once the server listens (before any request arrives). */
export function createSlackRouter(store: SlackStore, clock: ChatClock, baseUrl: () => string): SlackRouter {
  const { options } = store;
  const limiters = new Map(
    Object.entries(METHODS).map(([name, method]) => [name, new SlidingWindowLimiter(method.tier, clock)]),
  );
  const channelLimiter = new SlidingWindowLimiter(POST_PER_CHANNEL, clock);
  const take = (limiter: SlidingWindowLimiter | undefined, key: string) => {
    const result = limiter?.take(key);
    if (result && !result.allowed) throw new RateLimited(result.retryAfterMs);
  };

  const responseUrls = new ResponseUrls(store, baseUrl);
  const context = (): MethodContext => ({
    store,
    baseUrl: baseUrl(),
    limitPostMessage: (channel) => {
      take(channelLimiter, channel);
    },
  });

  const callMethod = (name: string, req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const answer = (body: Record<string, unknown>) => {
      store.record('calls', {
        method: name,
        ok: body.ok === true,
        ...(body.ok === true ? {} : { error: String(body.error) }),
      });
      sendJson(res, 200, body);
    };
    try {
      const args = parseArgs(req, raw);
      const token = tokenOf(req, args);
      const method = METHODS[name];
      if (token === undefined) answer({ ok: false, error: 'not_authed' });
      else if (token !== options.bot.token) answer({ ok: false, error: 'invalid_auth' });
      else if (!method) answer({ ok: false, error: 'unknown_method' });
      else {
        take(limiters.get(name), 'workspace');
        answer({ ok: true, ...method.run(args, context()) });
      }
    } catch (error) {
      if (error instanceof RateLimited) {
        store.record('calls', { method: name, ok: false, error: 'ratelimited' });
        sendJson(
          res,
          429,
          { ok: false, error: 'ratelimited' },
          { 'retry-after': String(retryAfterSeconds(error.retryAfterMs)) },
        );
      } else if (error instanceof SlackError) answer({ ok: false, error: error.error });
      else throw error;
    }
  };

  const upload = (fileId: string, req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const file = store.files.get(fileId);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    const contentType = req.headers['content-type'] ?? '';
    const content = contentType.startsWith('multipart/form-data') ? firstFilePart(raw, contentType) : raw;
    if (content === undefined) {
      res.writeHead(400).end();
      return;
    }
    file.content = Buffer.from(content);
    store.changed();
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${content.length}`);
  };

  const respondTo = (token: string, res: ServerResponse, raw: Buffer) => {
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8')) as unknown;
    } catch {
      sendJson(res, 400, { ok: false, error: 'invalid_payload' });
      return;
    }
    const outcome = responseUrls.handle(token, `${baseUrl()}response/${token}`, body);
    sendJson(res, outcome.status, outcome.body);
  };

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://slack').pathname;
    const raw = await readBody(req, MAX_BODY_BYTES);
    const [, kind = '', rest = ''] = /^\/(api|upload\/v1|response)\/([^/]+)$/.exec(path) ?? [];
    if (kind === 'api' && (req.method === 'POST' || req.method === 'GET')) callMethod(rest, req, res, raw);
    else if (req.method !== 'POST') res.writeHead(405).end();
    else if (kind === 'upload/v1') upload(rest, req, res, raw);
    else if (kind === 'response') respondTo(rest, res, raw);
    else res.writeHead(404).end();
  };

  return { route, responseUrls };
}
