import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConnectorError, ConnectorRoutes, limitOrThrow } from './connector-routes.js';
import type { ConnectorContext, Handler } from './connector-routes.js';
import { sendJson } from './loopback-http.js';
import { SlidingWindowLimiter } from './window-limiter.js';
import type { ChatClock } from './window-limiter.js';

/** Per app per tenant (chat-platforms §2.7). */
const TENANT_RULES = [{ limit: 50, windowMs: 1_000 }];

/**
 * The connector's HTTP entry: the bearer check (401 with the Bot Connector's wording), the tenant-wide rate
 * limit, the route table, and every refusal recorded and answered as `{error: {code, message}}`.
 */
export function createConnectorHandler(
  context: ConnectorContext,
  clock: ChatClock,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const routes = new ConnectorRoutes(context, clock);
  const tenantLimiter = new SlidingWindowLimiter(TENANT_RULES, clock);
  const conversation = '/v3/conversations/([^/]+)';
  const table: { method: string; pattern: RegExp; handler: Handler }[] = [
    { method: 'POST', pattern: /^\/v3\/conversations$/, handler: routes.create },
    { method: 'POST', pattern: new RegExp(`^${conversation}/activities$`), handler: routes.send },
    { method: 'POST', pattern: new RegExp(`^${conversation}/activities/([^/]+)$`), handler: routes.send },
    { method: 'PUT', pattern: new RegExp(`^${conversation}/activities/([^/]+)$`), handler: routes.update },
    { method: 'DELETE', pattern: new RegExp(`^${conversation}/activities/([^/]+)$`), handler: routes.remove },
    { method: 'GET', pattern: new RegExp(`^${conversation}/members$`), handler: routes.members },
    { method: 'GET', pattern: new RegExp(`^${conversation}/members/([^/]+)$`), handler: routes.member },
    { method: 'GET', pattern: new RegExp(`^${conversation}/pagedmembers$`), handler: routes.pagedMembers },
  ];

  const dispatch = async (req: IncomingMessage, res: ServerResponse, method: string, path: string) => {
    limitOrThrow(tenantLimiter, 'tenant');
    for (const route of table) {
      const match = route.method === method ? route.pattern.exec(path) : null;
      if (match) {
        await route.handler(
          req,
          res,
          match.slice(1).map((part) => decodeURIComponent(part)),
        );
        return;
      }
    }
    throw new ConnectorError(404, 'NotFound', `No route for ${method} ${path}.`);
  };

  return async (req, res) => {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://connector').pathname
      .replace(/\/{2,}/g, '/')
      .replace(/\/$/, '');
    const { store } = context;
    try {
      if ((await context.checkAuth(req.headers.authorization)) !== null) {
        store.recordRefusal({ method, path, status: 401, code: 'Unauthorized' });
        sendJson(res, 401, { message: 'Authorization has been denied for this request.' });
        return;
      }
      await dispatch(req, res, method, path);
    } catch (error) {
      const refusal = ConnectorError.from(error);
      const retry = refusal.retryAfter ? { retryAfterSeconds: refusal.retryAfter } : {};
      store.recordRefusal({ method, path, status: refusal.status, code: refusal.code, ...retry });
      const headers: Record<string, string> = refusal.retryAfter
        ? { 'retry-after': String(refusal.retryAfter) }
        : {};
      sendJson(res, refusal.status, { error: { code: refusal.code, message: refusal.message } }, headers);
    }
  };
}
