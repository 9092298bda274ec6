import type { Route } from './server.js';
import { sendJson } from './server.js';

/** What /readyz asks: each check answers true when its dependency works. */
export interface ReadinessChecks {
  database: () => Promise<boolean>;
  scheduler: () => boolean;
  shuttingDown: () => boolean;
}

/** GET /healthz: the process is up. GET /readyz: the database answers and the scheduler runs; 503 with the reason. */
export function healthRoutes(checks: ReadinessChecks): Route[] {
  return [
    {
      path: '/healthz',
      methods: {
        GET: (_req, res) => {
          sendJson(res, 200, { status: 'ok' });
        },
      },
    },
    {
      path: '/readyz',
      methods: {
        GET: async (_req, res) => {
          if (checks.shuttingDown()) {
            sendJson(res, 503, { status: 'unavailable', reason: 'shutting down' });
            return;
          }
          const database = await checks.database();
          const scheduler = checks.scheduler();
          const reasons = [
            ...(database ? [] : ['database unreachable']),
            ...(scheduler ? [] : ['scheduler not running']),
          ];
          const body = {
            database: database ? 'ok' : 'unreachable',
            scheduler: scheduler ? 'running' : 'stopped',
          };
          if (reasons.length === 0) {
            sendJson(res, 200, { status: 'ready', checks: body });
            return;
          }
          sendJson(res, 503, { status: 'unavailable', reason: reasons.join('; '), checks: body });
        },
      },
    },
  ];
}
