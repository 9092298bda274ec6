/**
 * The app in-process (startApp, as `npm start` runs it) on this file's test database: secrets never reach the
 * log, and /readyz says "shutting down" as soon as stop() has begun.
 */
import { describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import { captureLog, getJson, startTestApp, testConfig } from '../support/app.js';

const SECRETS = {
  GRAPH_CLIENT_SECRET: 'graph-client-secret-Qx8~T4vZ',
  MICROSOFT_APP_PASSWORD: 'teams-app-password-Wk7~pL1a',
  SLACK_SIGNING_SECRET: '8f14e45fceea167a5a36dedd4bea2543',
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-slackBotTokenSecret',
};
const BEARER_TOKEN = 'eyJhbGciOiJub25lIn0.bearer-token-payload.signature-secret';
/**
 * What the secrets belong to: Graph, Teams and Slack configured for real, their endpoints on a loopback port
 * where nothing listens, so the start (which tries to connect to Microsoft 365) stays offline.
 */
const CONFIGURED_ELSEWHERE = {
  GRAPH_TENANT_ID: '7f0c5a2e-4d8b-4a51-9c3e-2b6f1d9e8a40',
  GRAPH_CLIENT_ID: '3c1d9b7a-52e4-4f0a-8d6b-9a2e7c4f1b05',
  GRAPH_AUTHORITY_HOST: '127.0.0.1:9',
  GRAPH_BASE_URL: 'http://127.0.0.1:9/',
  MICROSOFT_APP_ID: '5b2e0c1d-7a34-4e8f-9b21-6c0d4e3f2a19',
  SLACK_API_URL: 'http://127.0.0.1:9/api/',
  SLACK_BOT_ID: 'B0123ABCD',
  SLACK_BOT_USER_ID: 'U0123ABCD',
  CHAT_FIRST_ADMINS: 'slack:T0123ABCD:U0456EFGH',
};

describe('secrets never reach the log', () => {
  it('keeps every secret out of every line of a whole start, requests and stop at trace level', async () => {
    const log = captureLog('trace');
    const config = testConfig(
      import.meta.url,
      { ...SECRETS, ...CONFIGURED_ELSEWHERE, LOG_LEVEL: 'trace' },
      'secrets',
    );
    const app = await startTestApp(config, { logger: log.logger });
    const authorization = { authorization: `Bearer ${BEARER_TOKEN}` };
    try {
      expect((await getJson(`${app.url}/healthz`, { headers: authorization })).status).toBe(200);
      expect((await getJson(`${app.url}/readyz`, { headers: authorization })).status).toBe(200);
      expect((await getJson(`${app.url}/nothing-here`, { headers: authorization })).status).toBe(404);
      expect((await getJson(`${app.url}/readyz`, { method: 'DELETE', headers: authorization })).status).toBe(
        405,
      );
      // What a careless log call would do with the whole configuration.
      log.logger.info({ config }, 'configuration');
      log.logger.info(config, 'configuration merged into the line');
      log.logger.debug(`configuration as text: ${JSON.stringify(config)}`);
      log.logger.error({ err: new Error(`bot token ${String(config.SLACK_BOT_TOKEN)} refused`) }, 'failure');
    } finally {
      await app.stop();
    }

    const everything = log.lines.join('\n');
    for (const [name, value] of Object.entries(SECRETS)) {
      expect({ name, leaked: everything.includes(value) }).toEqual({ name, leaked: false });
    }
    expect(everything).not.toContain(BEARER_TOKEN);
    // The scan saw the real traffic, and the secrets were there to leak.
    const records = log.records();
    expect(records.map((record) => record['msg'])).toEqual(
      expect.arrayContaining(['database connected', 'request', 'configuration']),
    );
    expect(records).toContainEqual(expect.objectContaining({ msg: 'request', status: 404 }));
    expect(records.find((record) => record['msg'] === 'configuration')).toMatchObject({
      config: {
        GRAPH_CLIENT_SECRET: '[redacted]',
        MICROSOFT_APP_PASSWORD: '[redacted]',
        SLACK_SIGNING_SECRET: '[redacted]',
        SLACK_BOT_TOKEN: '[redacted]',
      },
    });
  });

  it('censors secrets that arrive as plain strings under the usual field names', () => {
    const log = captureLog('trace');
    const plain = 'plain-string-secret-91c2';
    log.logger.info(
      {
        password: plain,
        client_secret: plain,
        access_token: plain,
        req: { headers: { authorization: `Bearer ${plain}` } },
        user: { passwordProfile: { password: plain }, password: plain },
        body: { token: plain, clientSecret: plain, access_token: plain },
        headers: { authorization: plain, 'x-slack-signature': plain },
      },
      'request details',
    );
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).not.toContain(plain);
    expect(log.lines[0]).toContain('[redacted]');
  });
});

/** Sends raw bytes on one connection and collects what comes back. */
function rawConnection(url: string) {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const closed = new Promise<void>((resolve) => socket.once('close', resolve));
  return { socket, received: () => received, closed };
}

describe('/readyz while stopping', () => {
  it('answers 503 "shutting down" once stop() has begun, and refuses new connections', async () => {
    const app = await startTestApp(testConfig(import.meta.url, {}, 'stopping'));
    // A request whose body is still arriving keeps its connection open through stop(); a second request
    // pipelined behind it is then served by the stopping app. That makes the moment exact, with no race.
    const raw = rawConnection(app.url);
    raw.socket.write('POST /readyz HTTP/1.1\r\nHost: bot\r\nContent-Length: 4\r\n\r\n');
    for (let tries = 0; !raw.received().includes('\r\n\r\n'); tries++) {
      if (tries > 200) throw new Error(`no answer to the first request: ${raw.received()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(raw.received()).toMatch(/^HTTP\/1\.1 405/);

    const stopped = app.stop();
    await expect(fetch(`${app.url}/readyz`)).rejects.toThrow();
    raw.socket.write('body');
    raw.socket.write('GET /readyz HTTP/1.1\r\nHost: bot\r\nConnection: close\r\n\r\n');
    await raw.closed;
    await stopped;

    const second = raw.received().slice(raw.received().indexOf('HTTP/1.1', 1));
    expect(second).toMatch(/^HTTP\/1\.1 503/);
    const body = /\{.*\}/s.exec(second)?.[0] ?? 'no body'; // the body may come chunked
    expect(JSON.parse(body)).toEqual({
      status: 'unavailable',
      reason: 'shutting down',
    });
  });
});
