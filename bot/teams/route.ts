import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ActivityHandlerBase, CloudAdapter, Response as BotResponse } from 'botbuilder';
import { z } from 'zod';
import { sendJson, type Route } from '../http/server.js';
import { pendingAcks } from '../http/pending-acks.js';

/** Where Teams (and the Agents Playground) deliver activities: the Azure Bot's messaging endpoint. */
export const TEAMS_MESSAGES_PATH = '/api/messages';

class BodyTooLarge extends Error {}

/** The body, refused past `maxBytes` without buffering the rest (Content-Length is checked first). */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxBytes) throw new BodyTooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

const activityBodySchema = z.record(z.string(), z.unknown());

function parseActivity(raw: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed = activityBodySchema.safeParse(JSON.parse(raw.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * botbuilder's Response over node:http (builder-notes.md §5): CloudAdapter.process sets the status, sends the
 * invoke response (an object → JSON) or an error text, and ends.
 */
export function botResponseOf(res: ServerResponse): BotResponse {
  const response = {
    socket: res.socket,
    status(code: number) {
      res.statusCode = code;
      return response;
    },
    header(name: string, value: unknown) {
      res.setHeader(name, String(value));
      return response;
    },
    send(body?: unknown) {
      if (body === undefined || res.writableEnded) return response;
      if (typeof body === 'string' || Buffer.isBuffer(body)) {
        if (!res.headersSent) res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.write(body);
      } else {
        if (!res.headersSent) res.setHeader('content-type', 'application/json; charset=utf-8');
        res.write(JSON.stringify(body));
      }
      return response;
    },
    end() {
      if (!res.writableEnded) res.end();
      return response;
    },
  };
  return response;
}

/**
 * POST /api/messages for bot/http/server.ts. The body is capped (413) and must be a JSON object (400); then
 * CloudAdapter.process authenticates it — with an app id configured, botbuilder's JWT validation answers 401
 * before any bot code runs; without one (local mode), authentication is disabled — and runs the bot's turn.
 * A message is answered once authenticated and its turn runs afterwards (acking-adapter.ts); invoke answers
 * (Action.Execute) come back in the HTTP body.
 */
export function teamsMessagesRoute(
  adapter: CloudAdapter,
  bot: ActivityHandlerBase,
  maxBodyBytes: number,
): Route {
  return {
    path: TEAMS_MESSAGES_PATH,
    methods: {
      POST: async (req, res) => {
        pendingAcks.track(res);
        let raw: Buffer;
        try {
          raw = await readBody(req, maxBodyBytes);
        } catch (error) {
          if (!(error instanceof BodyTooLarge)) throw error;
          res.setHeader('connection', 'close');
          sendJson(res, 413, { error: `An activity is at most ${maxBodyBytes} bytes.` });
          return;
        }
        const body = parseActivity(raw);
        if (body === undefined) {
          sendJson(res, 400, { error: 'The body must be a JSON object (a Bot Framework activity).' });
          return;
        }
        await adapter.process(
          { body, headers: req.headers, method: req.method },
          botResponseOf(res),
          (context) => bot.run(context),
        );
      },
    },
  };
}
