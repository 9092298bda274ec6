import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { pendingAcks, type PendingAcks } from './pending-acks.js';

export interface RequestContext {
  requestId: string;
  logger: Logger;
}

export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  context: RequestContext,
) => Promise<void> | void;

/** A route: exact path, and a handler per method. */
export interface Route {
  path: string;
  methods: Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE', RouteHandler>>;
}

export interface HttpServer {
  server: Server;
  url: string;
  /** Stops accepting connections and waits for in-flight requests to end (up to timeoutMs). */
  close(timeoutMs: number): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** An incoming x-request-id is kept only when it is a plain token, so it cannot inject into logs. */
function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(incoming) ? incoming : randomUUID();
}

async function dispatch(
  routes: Map<string, Route>,
  req: IncomingMessage,
  res: ServerResponse,
  context: RequestContext,
) {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const route = routes.get(path);
  if (!route) {
    sendJson(res, 404, { error: `Nothing is served at ${path}.` });
    return;
  }
  const handler = route.methods[(req.method ?? 'GET') as keyof Route['methods']];
  if (!handler) {
    res.setHeader('allow', Object.keys(route.methods).join(', '));
    sendJson(res, 405, { error: `${req.method ?? ''} is not allowed on ${path}.` });
    return;
  }
  await handler(req, res, context);
}

/**
 * A request's logger, created on first use: a pino child costs every request its serialised bindings, and most
 * requests (every chat acknowledgement) never log.
 */
function lazyRequestContext(logger: Logger, requestId: string): RequestContext {
  let child: Logger | undefined;
  return {
    requestId,
    get logger() {
      child ??= logger.child({ requestId });
      return child;
    },
  };
}

export async function startHttpServer(
  options: {
    host: string;
    port: number;
    routes: readonly Route[];
    /** Told of every accepted connection until its request is read (pending-acks.ts); default the process's. */
    pending?: PendingAcks;
  },
  logger: Logger,
): Promise<HttpServer> {
  const routes = new Map(options.routes.map((route) => [route.path, route]));
  const pending = options.pending ?? pendingAcks;
  let closing = false;
  const server = createServer((req, res) => {
    pending.requestRead(req.socket);
    const requestId = requestIdOf(req);
    const started = performance.now();
    const context = lazyRequestContext(logger, requestId);
    res.setHeader('x-request-id', requestId);
    res.on('finish', () => {
      if (logger.isLevelEnabled('debug')) {
        const ms = Math.round(performance.now() - started);
        context.logger.debug({ method: req.method, path: req.url, status: res.statusCode, ms }, 'request');
      }
      // A keep-alive connection that turns idle after close() began would otherwise hold close() open until the
      // client drops it (seconds) or the timeout hits.
      if (closing)
        setImmediate(() => {
          server.closeIdleConnections();
        });
    });
    dispatch(routes, req, res, context).catch((error: unknown) => {
      context.logger.error({ err: error }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal error; see the bot log.', requestId });
      else res.end();
    });
  });
  server.on('connection', (socket) => {
    pending.connectionOpened(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${options.host}:${port}`,
    async close(timeoutMs) {
      closing = true;
      const closed = new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        server.closeAllConnections();
      }, timeoutMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
