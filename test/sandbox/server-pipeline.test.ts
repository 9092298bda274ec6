import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { graphConnectionSchema } from '../../graph/connection.js';
import { createGraphClient } from '../../graph/client.js';
import { graphFailure, newUserBody, openSandbox } from './graph-harness.js';
import type { SandboxHarness } from './graph-harness.js';

let harness: SandboxHarness;
let token: string;

beforeAll(async () => {
  harness = await openSandbox({ throttling: 'published' });
  token = await harness.graph.getToken();
});
afterAll(async () => {
  await harness.sandbox.close();
});

const graphFetch = (path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${harness.sandbox.baseUrl}v1.0${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) },
  });

describe('connection()', () => {
  it('is plain JSON that parses as a graph connection with a loopback token endpoint', () => {
    const connection = harness.sandbox.connection();
    expect(JSON.parse(JSON.stringify(connection))).toEqual(connection);
    const parsed = graphConnectionSchema.parse(connection);
    expect(parsed.authority).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    expect(parsed.graphBaseUrl).toBe(`http://127.0.0.1:${harness.sandbox.port}/`);
    const metadata = JSON.parse(parsed.authorityMetadata ?? '{}') as { token_endpoint: string };
    expect(metadata.token_endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.+\/oauth2\/v2\.0\/token$/);
  });
});

describe('response headers', () => {
  it('sends request-id, echoes client-request-id and reports x-ms-resource-unit', async () => {
    const response = await graphFetch('/users?$top=50', {
      headers: { 'client-request-id': 'my-correlation-id' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('client-request-id')).toBe('my-correlation-id');
    expect(response.headers.get('x-ms-resource-unit')).toBe('2');
    const selected = await graphFetch('/users?$select=id');
    expect(selected.headers.get('x-ms-resource-unit')).toBe('1');
  });

  it('puts the request-id header into the error body', async () => {
    const response = await graphFetch('/users/nobody@contoso.com');
    const body = (await response.json()) as { error: { innerError: Record<string, string> } };
    expect(body.error.innerError['request-id']).toBe(response.headers.get('request-id'));
    expect(body.error.innerError['date']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });

  it('answers unknown segments, wrong methods and unreadable JSON like Graph', async () => {
    expect((await graphFetch('/widgets')).status).toBe(400);
    const wrongMethod = await graphFetch('/users', {
      method: 'PUT',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(wrongMethod.status).toBe(405);
    const unreadable = await graphFetch('/users', {
      method: 'POST',
      body: '{not json',
      headers: { 'content-type': 'application/json' },
    });
    expect(unreadable.status).toBe(400);
    expect(unreadable.headers.get('request-id')).not.toBeNull();
  });
});

describe('inspection', () => {
  it('records requests with status, resource units and batch item ids', async () => {
    harness.sandbox.inspection.reset();
    const someone = [...harness.sandbox.store.activeUsers()][0]?.id ?? '';
    await harness.graph.client.api('/$batch').post({
      requests: [
        { id: '1', method: 'GET', url: `/users/${someone}` },
        {
          id: '2',
          method: 'POST',
          url: '/users',
          headers: { 'Content-Type': 'application/json' },
          body: newUserBody('batch.user'),
        },
      ],
    });
    const records = harness.sandbox.inspection.requests();
    const items = records.filter((record) => record.batchItemId !== undefined);
    expect(items.map((record) => [record.batchItemId, record.status, record.resourceUnits]).sort()).toEqual([
      ['1', 200, 1],
      ['2', 201, 1],
    ]);
    expect(records.find((record) => record.path === '/v1.0/$batch')?.status).toBe(200);
    expect(harness.sandbox.store.findUser('batch.user@contoso.com')).toBeDefined();
  });

  it('shows bucket levels falling as requests are charged', async () => {
    // A tenant whose clock all but stands still, so the bucket cannot refill while the request is answered
    // (at timeScale 1 the 2 RU of a GET are back within ~6 ms, less than a busy machine takes to answer).
    const frozen = await openSandbox({ throttling: 'published', timeScale: 1e-6 });
    try {
      const full = frozen.sandbox.inspection.bucketLevels().resourceUnits.available;
      const response = await fetch(`${frozen.sandbox.baseUrl}v1.0/users`, {
        headers: { authorization: `Bearer ${await frozen.graph.getToken()}` },
      });
      expect(response.status).toBe(200);
      expect(frozen.sandbox.inspection.bucketLevels().resourceUnits.available).toBeLessThan(full);
    } finally {
      await frozen.sandbox.close();
    }
  });

  it('is not reachable over HTTP unless exposeInspection is set', async () => {
    expect((await fetch(`${harness.sandbox.baseUrl}_sandbox/users`)).status).toBe(404);
    const exposed = await openSandbox({ exposeInspection: true });
    try {
      const response = await fetch(`${exposed.sandbox.baseUrl}_sandbox/users`);
      const body = (await response.json()) as { value: unknown[] };
      expect(body.value).toHaveLength(exposed.sandbox.store.userCount);
    } finally {
      await exposed.sandbox.close();
    }
  });
});

describe('fault injection', () => {
  it('answers 503/504 with Retry-After while serverErrorRate is 1, and the retry middleware retries them', async () => {
    const faulty = await openSandbox();
    try {
      faulty.sandbox.setFaults({ serverErrorRate: 1 });
      const failure = await graphFailure(faulty.graph.client.api('/users').get());
      expect([503, 504]).toContain(failure.status);
      expect(failure.headers?.get('retry-after')).not.toBeNull();

      faulty.sandbox.inspection.reset();
      const retrying = createGraphClient(graphConnectionSchema.parse(faulty.sandbox.connection()), {
        retry: { maxRetries: 1, delaySeconds: 1 },
      });
      expect([503, 504]).toContain((await graphFailure(retrying.client.api('/users').get())).status);
      expect(faulty.sandbox.inspection.requests()).toHaveLength(2);

      faulty.sandbox.setFaults({ serverErrorRate: 0, throttleStorm: true });
      const storm = await graphFailure(faulty.graph.client.api('/users').get());
      expect(storm.status).toBe(429);
      expect(storm.code).toBe('TooManyRequests');
    } finally {
      await faulty.sandbox.close();
    }
  });

  it('destroys the connection after the headers when connectionResetRate is 1', async () => {
    const faulty = await openSandbox();
    try {
      const faultyToken = await faulty.graph.getToken();
      faulty.sandbox.setFaults({ connectionResetRate: 1 });
      const outcome = await fetch(`${faulty.sandbox.baseUrl}v1.0/users`, {
        headers: { authorization: `Bearer ${faultyToken}` },
      }).then(
        (response) =>
          response.text().then(
            () => 'complete',
            () => 'reset',
          ),
        () => 'reset',
      );
      expect(outcome).toBe('reset');
      faulty.sandbox.setFaults({ connectionResetRate: 0 });
      await faulty.graph.client.api('/users').top(1).get();
    } finally {
      await faulty.sandbox.close();
    }
  });
});
