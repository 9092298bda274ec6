import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TeamsActivityHandler,
  type TurnContext,
} from 'botbuilder';
import { closeServer, listenOnLoopback, readBody } from '../../sandbox/teams/loopback-http.js';

/**
 * A tiny botbuilder bot for exercising Teams stand-ins: CloudAdapter with no app id (anonymous, as with the
 * Playground) behind node:http via the builder-notes §5 shim. Each message runs `onMessage`; failed turns are
 * kept in `turnErrors` (CloudAdapter swallows them after onTurnError).
 */
export interface EchoBot {
  /** `http://127.0.0.1:P/api/messages` */
  endpoint: string;
  adapter: CloudAdapter;
  turnErrors: unknown[];
  /** POSTs an activity to the bot the way a channel does; resolves with the HTTP status and body text. */
  deliver(activity: Record<string, unknown>): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

export type MessageLogic = (context: TurnContext) => Promise<void>;

const defaultLogic: MessageLogic = async (context) => {
  await context.sendActivity(`echo: ${context.activity.text}`);
};

function shimResponse(res: ServerResponse) {
  return {
    socket: res.socket,
    status(code: number) {
      res.statusCode = code;
      return this;
    },
    header(name: string, value: unknown) {
      res.setHeader(name, String(value));
      return this;
    },
    send(body?: unknown) {
      if (body === undefined) return this;
      if (typeof body === 'object' && !Buffer.isBuffer(body)) {
        res.setHeader('content-type', 'application/json');
        res.write(JSON.stringify(body));
      } else res.write(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
      return this;
    },
    end() {
      if (!res.writableEnded) res.end();
      return this;
    },
  };
}

export async function startEchoBot(onMessage: MessageLogic = defaultLogic): Promise<EchoBot> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const turnErrors: unknown[] = [];
  adapter.onTurnError = (_context, error) => {
    turnErrors.push(error);
    return Promise.resolve();
  };
  const bot = new TeamsActivityHandler();
  bot.onMessage(async (context, next) => {
    await onMessage(context);
    await next();
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req, 1024 * 1024);
    // HEAD probes (the Playground waits for the endpoint with one) carry no body.
    if (req.method !== 'POST') {
      res.writeHead(req.method === 'HEAD' ? 200 : 405).end();
      return;
    }
    const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    await adapter.process({ body, headers: req.headers, method: req.method }, shimResponse(res), (context) =>
      bot.run(context),
    );
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      turnErrors.push(error);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const port = await listenOnLoopback(server, 0);
  const endpoint = `http://127.0.0.1:${port}/api/messages`;
  return {
    endpoint,
    adapter,
    turnErrors,
    async deliver(activity) {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
      return { status: response.status, body: await response.text() };
    },
    close: () => closeServer(server),
  };
}
