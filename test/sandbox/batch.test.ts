import { describe, it, expect } from '@jest/globals';
import { runBatch } from '../../sandbox/batch.js';
import type { BatchItemResponse } from '../../sandbox/batch.js';
import { createClock } from '../../sandbox/clock.js';
import type { GraphRequest, GraphResponse } from '../../sandbox/graph-types.js';
import { ThrottleLimiter } from '../../sandbox/throttle/limiter.js';

const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);
const OUTER_HEADERS = { authorization: 'Bearer outer-token', 'client-request-id': 'outer-client-id' };

function batchRequest(body: unknown): GraphRequest {
  return {
    method: 'POST',
    path: '/v1.0/$batch',
    query: new URLSearchParams(),
    headers: { ...OUTER_HEADERS },
    body,
  };
}

function getItems(count: number): { id: string; method: string; url: string }[] {
  return Array.from({ length: count }, (_, i) => ({
    id: String(i + 1),
    method: 'GET',
    url: `/users/u${i + 1}`,
  }));
}

/** A dispatcher that records what it received and answers 200 (or what `answer` says). */
function recorder(
  answer: (item: GraphRequest) => GraphResponse = () => ({ status: 200, headers: {}, body: {} }),
) {
  const received: GraphRequest[] = [];
  const dispatch = (item: GraphRequest): Promise<GraphResponse> => {
    received.push(item);
    return Promise.resolve(answer(item));
  };
  return { received, dispatch };
}

function responsesOf(response: GraphResponse): BatchItemResponse[] {
  expect(response.status).toBe(200);
  return (response.body as { responses: BatchItemResponse[] }).responses;
}

function byId(response: GraphResponse, id: string): BatchItemResponse {
  const item = responsesOf(response).find((candidate) => candidate.id === id);
  if (!item) throw new Error(`no response for item ${id}`);
  return item;
}

function errorCode(response: GraphResponse): string | undefined {
  return (response.body as { error?: { code?: string } } | undefined)?.error?.code;
}

describe('runBatch', () => {
  it('runs up to 20 items and answers 200 with one response per item', async () => {
    const { received, dispatch } = recorder();
    const response = await runBatch(batchRequest({ requests: getItems(20) }), dispatch, NOW);
    expect(responsesOf(response)).toHaveLength(20);
    expect(received).toHaveLength(20);
  });

  it('refuses a batch of 21 items with 400 without running any of them', async () => {
    const { received, dispatch } = recorder();
    const response = await runBatch(batchRequest({ requests: getItems(21) }), dispatch, NOW, {
      requestId: 'req-1',
    });
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BadRequest');
    expect(response.headers['request-id']).toBe('req-1');
    expect(received).toHaveLength(0);
  });

  it('refuses duplicate ids, compared case-insensitively', async () => {
    const { received, dispatch } = recorder();
    const requests = [
      { id: 'a', method: 'GET', url: '/users/1' },
      { id: 'A', method: 'GET', url: '/users/2' },
    ];
    const response = await runBatch(batchRequest({ requests }), dispatch, NOW);
    expect(response.status).toBe(400);
    expect(received).toHaveLength(0);
  });

  it.each([
    ['no body', undefined],
    ['an array body', [{ id: '1', method: 'GET', url: '/users' }]],
    ['no requests member', { items: [] }],
    ['an empty requests array', { requests: [] }],
    ['a numeric id', { requests: [{ id: 1, method: 'GET', url: '/users' }] }],
    ['an item without url', { requests: [{ id: '1', method: 'GET' }] }],
    ['an unknown method', { requests: [{ id: '1', method: 'FETCH', url: '/users' }] }],
    [
      'a dependsOn naming no item',
      { requests: [{ id: '1', method: 'GET', url: '/users', dependsOn: ['9'] }] },
    ],
    [
      'a dependency cycle',
      {
        requests: [
          { id: '1', method: 'GET', url: '/users', dependsOn: ['2'] },
          { id: '2', method: 'GET', url: '/users', dependsOn: ['1'] },
        ],
      },
    ],
  ])('refuses a malformed payload (%s) with 400 BadRequest', async (_case, body) => {
    const { received, dispatch } = recorder();
    const response = await runBatch(batchRequest(body), dispatch, NOW);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BadRequest');
    expect(received).toHaveLength(0);
  });

  it('answers 424 for every item downstream of a failed item without dispatching them', async () => {
    const { received, dispatch } = recorder((item) =>
      item.path === '/v1.0/users/missing'
        ? { status: 404, headers: {}, body: { error: { code: 'Request_ResourceNotFound' } } }
        : { status: 200, headers: {}, body: {} },
    );
    const requests = [
      { id: '1', method: 'GET', url: '/users/missing' },
      { id: '2', method: 'GET', url: '/users/two', dependsOn: ['1'] },
      { id: '3', method: 'GET', url: '/users/three', dependsOn: ['2'] },
      { id: '4', method: 'GET', url: '/users/four' },
    ];
    const response = await runBatch(batchRequest({ requests }), dispatch, NOW);
    expect(byId(response, '1').status).toBe(404);
    expect(byId(response, '2').status).toBe(424);
    expect(byId(response, '3').status).toBe(424);
    expect(byId(response, '4').status).toBe(200);
    expect(received.map((item) => item.path).sort()).toEqual(['/v1.0/users/four', '/v1.0/users/missing']);
  });

  it('runs items without dependsOn concurrently', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // If items were run one at a time the gate would never open; let it open anyway so the assertion fails.
    const fallback = setTimeout(release, 200);
    const dispatch = async (): Promise<GraphResponse> => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (inFlight === 5) release();
      await gate;
      inFlight -= 1;
      return { status: 200, headers: {}, body: {} };
    };
    const response = await runBatch(batchRequest({ requests: getItems(5) }), dispatch, NOW);
    clearTimeout(fallback);
    expect(responsesOf(response)).toHaveLength(5);
    expect(maxInFlight).toBe(5);
  });

  it('starts an item with dependsOn only after its dependency has finished', async () => {
    const events: string[] = [];
    const dispatch = async (item: GraphRequest): Promise<GraphResponse> => {
      events.push(`start ${item.batchItemId ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push(`end ${item.batchItemId ?? ''}`);
      return { status: 201, headers: {}, body: {} };
    };
    const requests = [
      { id: 'second', method: 'GET', url: '/users/b', dependsOn: ['FIRST'] },
      {
        id: 'first',
        method: 'POST',
        url: '/users',
        headers: { 'Content-Type': 'application/json' },
        body: { a: 1 },
      },
    ];
    const response = await runBatch(batchRequest({ requests }), dispatch, NOW);
    expect(events).toEqual(['start first', 'end first', 'start second', 'end second']);
    expect(responsesOf(response).map((item) => item.status)).toEqual([201, 201]);
  });

  it('lists responses in completion order, not request order', async () => {
    let fastDone: () => void = () => undefined;
    const fastFinished = new Promise<void>((resolve) => (fastDone = resolve));
    const dispatch = async (item: GraphRequest): Promise<GraphResponse> => {
      if (item.batchItemId === 'slow') await fastFinished;
      else setImmediate(fastDone);
      return { status: 200, headers: {}, body: {} };
    };
    const requests = [
      { id: 'slow', method: 'GET', url: '/users/a' },
      { id: 'fast', method: 'GET', url: '/users/b' },
    ];
    const response = await runBatch(batchRequest({ requests }), dispatch, NOW);
    expect(responsesOf(response).map((item) => item.id)).toEqual(['fast', 'slow']);
  });

  it('resolves item urls relative to the version root, with or without /v1.0 and a leading slash', async () => {
    const { received, dispatch } = recorder();
    const requests = [
      { id: '1', method: 'GET', url: '/users?$top=5' },
      { id: '2', method: 'GET', url: 'users?$top=5' },
      { id: '3', method: 'GET', url: '/v1.0/users?$top=5' },
      { id: '4', method: 'GET', url: "/users?$filter=startsWith(displayName,'Ada Lo')" },
    ];
    await runBatch(batchRequest({ requests }), dispatch, NOW);
    const byItem = new Map(received.map((item) => [item.batchItemId, item]));
    for (const id of ['1', '2', '3']) {
      expect(byItem.get(id)?.path).toBe('/v1.0/users');
      expect(byItem.get(id)?.query.get('$top')).toBe('5');
    }
    expect(byItem.get('4')?.query.get('$filter')).toBe("startsWith(displayName,'Ada Lo')");
  });

  it('refuses per item a nested $batch, an absolute url and a body without Content-Type', async () => {
    const { received, dispatch } = recorder();
    const requests = [
      {
        id: 'nested',
        method: 'POST',
        url: '/$batch',
        headers: { 'content-type': 'application/json' },
        body: { requests: [] },
      },
      { id: 'absolute', method: 'GET', url: 'https://graph.microsoft.com/v1.0/users' },
      { id: 'untyped', method: 'PATCH', url: '/users/a', body: { jobTitle: 'x' } },
      { id: 'fine', method: 'GET', url: '/users/a' },
    ];
    const response = await runBatch(batchRequest({ requests }), dispatch, NOW);
    for (const id of ['nested', 'absolute', 'untyped']) {
      expect(byId(response, id).status).toBe(400);
      expect(byId(response, id).body).toMatchObject({ error: { code: 'BadRequest' } });
    }
    expect(byId(response, 'fine').status).toBe(200);
    expect(received.map((item) => item.batchItemId)).toEqual(['fine']);
  });

  it("gives items the envelope's Authorization and client-request-id, and passes method, headers and body", async () => {
    const { received, dispatch } = recorder();
    const requests = [
      {
        id: '1',
        method: 'patch',
        url: '/users/a',
        headers: {
          'Content-Type': 'application/json',
          Authorization: 'Bearer smuggled',
          ConsistencyLevel: 'eventual',
        },
        body: { jobTitle: 'Engineer' },
      },
      { id: '2', method: 'GET', url: '/users/b', headers: { 'client-request-id': 'item-client-id' } },
    ];
    await runBatch(batchRequest({ requests }), dispatch, NOW);
    const first = received.find((item) => item.batchItemId === '1');
    expect(first).toMatchObject({
      method: 'PATCH',
      path: '/v1.0/users/a',
      body: { jobTitle: 'Engineer' },
      headers: {
        authorization: 'Bearer outer-token',
        'content-type': 'application/json',
        consistencylevel: 'eventual',
        'client-request-id': 'outer-client-id',
      },
    });
    expect(received.find((item) => item.batchItemId === '2')?.headers['client-request-id']).toBe(
      'item-client-id',
    );
  });

  it('returns item headers in Graph capitalisation and no body member for a 204', async () => {
    const { dispatch } = recorder(() => ({
      status: 204,
      headers: { 'request-id': 'r', 'x-ms-resource-unit': '1', 'cache-control': 'no-cache' },
    }));
    const response = await runBatch(batchRequest({ requests: getItems(1) }), dispatch, NOW);
    const item = byId(response, '1');
    expect(item).toEqual({
      id: '1',
      status: 204,
      headers: { 'Cache-Control': 'no-cache', 'x-ms-resource-unit': '1' },
    });
    expect('body' in item).toBe(false);
  });

  it('meters items one by one: throttled items get their own 429 and Retry-After inside a 200 batch', async () => {
    const clock = createClock({ startAt: NOW, realNow: () => 0 });
    const limiter = new ThrottleLimiter({
      clock,
      enabled: true,
      appId: 'app',
      tenantId: 'tenant',
      tenantSize: () => 'S',
    });
    for (let i = 0; i < 3495; i += 1)
      limiter.charge(
        { method: 'GET', path: '/v1.0/users/x', query: new URLSearchParams(), headers: {}, body: undefined },
        `warm-${i}`,
      );
    let sequence = 0;
    const dispatch = (item: GraphRequest): Promise<GraphResponse> => {
      sequence += 1;
      const charged = limiter.charge(item, `item-${sequence}`);
      return Promise.resolve(
        charged.throttled ? charged.response : { status: 200, headers: charged.headers, body: {} },
      );
    };
    const response = await runBatch(batchRequest({ requests: getItems(8) }), dispatch, NOW);
    const items = responsesOf(response);
    const throttled = items.filter((item) => item.status === 429);
    expect(items.filter((item) => item.status === 200)).toHaveLength(5);
    expect(throttled).toHaveLength(3);
    const retryAfters = throttled.map((item) => Number(item.headers['Retry-After']));
    expect(retryAfters.every((seconds) => seconds > 0)).toBe(true);
    expect(new Set(retryAfters).size).toBe(3); // each item accrued usage, so each got its own wait
    expect(throttled[0]?.body).toMatchObject({ error: { code: 'TooManyRequests' } });
  });
});
