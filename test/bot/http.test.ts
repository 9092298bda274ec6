/** The HTTP server and the health routes on their own: routing, request ids, errors, readiness answers, close. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent, get } from 'node:http';
import { connect } from 'node:net';
import { healthRoutes, type ReadinessChecks } from '../../bot/http/health.js';
import { PendingAcks } from '../../bot/http/pending-acks.js';
import { sendJson, startHttpServer, type HttpServer, type Route } from '../../bot/http/server.js';
import { captureLog, getJson, type CapturedLog } from '../support/app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Readiness answers the test can change between requests. */
const readiness = { database: true, scheduler: true, shuttingDown: false };
const checks: ReadinessChecks = {
  database: () => Promise.resolve(readiness.database),
  scheduler: () => readiness.scheduler,
  shuttingDown: () => readiness.shuttingDown,
};

/** A route whose handler waits until the test lets it answer. */
function heldRoute(path: string) {
  let release: () => void = () => undefined;
  let entered: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const started = new Promise<void>((resolve) => (entered = resolve));
  const route: Route = {
    path,
    methods: {
      GET: async (_req, res) => {
        entered();
        await released;
        sendJson(res, 200, { held: 'done' });
      },
    },
  };
  return { route, started, release };
}

const failingRoute: Route = {
  path: '/boom',
  methods: {
    GET: () => {
      throw new Error('handler exploded');
    },
  },
};

/** GET through a given agent (node:http, so the test controls keep-alive). */
function getThrough(agent: Agent, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    }).on('error', reject);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

let log: CapturedLog;
let server: HttpServer;

beforeAll(async () => {
  log = captureLog('debug');
  server = await startHttpServer(
    { host: '127.0.0.1', port: 0, routes: [...healthRoutes(checks), failingRoute] },
    log.logger,
  );
});
afterAll(async () => {
  await server.close(1000);
});

describe('routing', () => {
  it('answers GET /healthz with 200 ok', async () => {
    expect(await getJson(`${server.url}/healthz`)).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('routes on the path alone, ignoring the query string', async () => {
    expect((await getJson(`${server.url}/healthz?probe=1`)).status).toBe(200);
  });

  it('answers an unknown path with 404 and one JSON sentence naming the path', async () => {
    const response = await getJson(`${server.url}/no/such/thing?x=1`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body).toEqual({ error: 'Nothing is served at /no/such/thing.' });
  });

  it('answers a wrong method with 405 and an Allow header listing the right ones', async () => {
    const response = await getJson(`${server.url}/healthz`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(response.body).toEqual({ error: 'POST is not allowed on /healthz.' });
  });

  it('answers 500 with the request id when a handler throws, and logs the error under that id', async () => {
    const response = await getJson(`${server.url}/boom`, { headers: { 'x-request-id': 'boom-1' } });
    expect(response).toMatchObject({
      status: 500,
      body: { error: 'Internal error; see the bot log.', requestId: 'boom-1' },
    });
    const failure = log.records().find((record) => record['msg'] === 'request failed');
    expect(failure).toMatchObject({ requestId: 'boom-1', err: { message: 'handler exploded' } });
  });
});

describe('request ids', () => {
  it('echoes an incoming x-request-id that is a plain token', async () => {
    const response = await getJson(`${server.url}/healthz`, { headers: { 'x-request-id': 'abc-123_X.9' } });
    expect(response.headers.get('x-request-id')).toBe('abc-123_X.9');
  });

  it.each([
    ['spaces and markup', 'abc def<script>'],
    ['a forged log field', 'id","level":60'],
    ['more than 128 characters', 'a'.repeat(129)],
  ])('replaces an incoming x-request-id with %s by a fresh UUID', async (_what, unsafe) => {
    const response = await getJson(`${server.url}/healthz`, { headers: { 'x-request-id': unsafe } });
    expect(response.headers.get('x-request-id')).toMatch(UUID);
  });

  it('gives each request without one its own UUID and logs the request under it', async () => {
    const first = await getJson(`${server.url}/healthz`);
    const second = await getJson(`${server.url}/no-such-page`);
    const ids = [first.headers.get('x-request-id'), second.headers.get('x-request-id')];
    expect(ids[0]).toMatch(UUID);
    expect(ids[1]).toMatch(UUID);
    expect(ids[0]).not.toBe(ids[1]);
    const requestLines = log.records().filter((record) => record['msg'] === 'request');
    expect(requestLines).toContainEqual(
      expect.objectContaining({ requestId: ids[1], method: 'GET', path: '/no-such-page', status: 404 }),
    );
  });
});

describe('/readyz', () => {
  const cases: [string, Partial<typeof readiness>, number, Record<string, unknown>][] = [
    ['ready', {}, 200, { status: 'ready', checks: { database: 'ok', scheduler: 'running' } }],
    [
      'database down',
      { database: false },
      503,
      { status: 'unavailable', reason: 'database unreachable', checks: { database: 'unreachable' } },
    ],
    [
      'scheduler stopped',
      { scheduler: false },
      503,
      { status: 'unavailable', reason: 'scheduler not running', checks: { scheduler: 'stopped' } },
    ],
    [
      'both down',
      { database: false, scheduler: false },
      503,
      { reason: 'database unreachable; scheduler not running' },
    ],
    ['shutting down', { shuttingDown: true }, 503, { status: 'unavailable', reason: 'shutting down' }],
  ];

  it.each(cases)('answers %s with the status and reason', async (_name, state, status, body) => {
    Object.assign(readiness, { database: true, scheduler: true, shuttingDown: false }, state);
    const response = await getJson(`${server.url}/readyz`);
    Object.assign(readiness, { database: true, scheduler: true, shuttingDown: false });
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject(body);
  });
});

describe('pending acknowledgements', () => {
  it('counts an accepted connection before its request is read, and stops once it is answered', async () => {
    const pending = new PendingAcks({ quietMs: 5 });
    const own = await startHttpServer(
      { host: '127.0.0.1', port: 0, routes: healthRoutes(checks), pending },
      log.logger,
    );
    const socket = connect(Number(new URL(own.url).port), '127.0.0.1');
    try {
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      // Connected but silent: the server cannot know what it will ask for, so it counts.
      while (!pending.waiting) await new Promise((resolve) => setImmediate(resolve));
      const answer = new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.once('end', () => {
          resolve(text);
        });
      });
      socket.end('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      expect(await answer).toMatch(/^HTTP\/1\.1 200/);
      await new Promise<void>((resolve) => {
        pending.onceAnswered(resolve);
      });
      expect(pending.waiting).toBe(false);
    } finally {
      socket.destroy();
      await own.close(1000);
    }
  });
});

describe('close', () => {
  it('lets an in-flight request finish and refuses new connections', async () => {
    const held = heldRoute('/held');
    const own = await startHttpServer({ host: '127.0.0.1', port: 0, routes: [held.route] }, log.logger);
    const inFlight = getJson(`${own.url}/held`);
    await held.started;
    const closed = own.close(10_000);
    await expect(fetch(`${own.url}/held`)).rejects.toThrow();
    held.release();
    expect(await inFlight).toMatchObject({ status: 200, body: { held: 'done' } });
    await closed;
  });

  it('does not wait for a keep-alive client to drop its connection once the in-flight request is done', async () => {
    const held = heldRoute('/held');
    const own = await startHttpServer({ host: '127.0.0.1', port: 0, routes: [held.route] }, log.logger);
    own.server.keepAliveTimeout = 0; // neither side will close the idle connection on its own
    const agent = new Agent({ keepAlive: true });
    try {
      const inFlight = getThrough(agent, `${own.url}/held`);
      await held.started;
      const closed = own.close(60_000).then(() => 'closed');
      held.release();
      expect(await inFlight).toMatchObject({ status: 200 });
      expect(await Promise.race([closed, sleep(10_000).then(() => 'still waiting')])).toBe('closed');
    } finally {
      agent.destroy();
    }
  });

  it('drops a request that outlives the timeout instead of waiting for it forever', async () => {
    const held = heldRoute('/stuck');
    const own = await startHttpServer({ host: '127.0.0.1', port: 0, routes: [held.route] }, log.logger);
    const inFlight = fetch(`${own.url}/stuck`);
    await held.started;
    await own.close(200);
    await expect(inFlight).rejects.toThrow();
    held.release();
  });
});
