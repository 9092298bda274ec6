import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { BatchRequestContent, BatchResponseContent } from '@microsoft/microsoft-graph-client';
import type { BatchResponseBody } from '@microsoft/microsoft-graph-client';
import { graphFailure, newUserBody, openSandbox } from './graph-harness.js';
import type { SandboxHarness } from './graph-harness.js';

/**
 * $batch through the product's own Graph client. The sandbox clock runs at 1/100 of real time so no budget
 * refills while a test spends it; tests move the clock forward instead of waiting.
 */
let harness: SandboxHarness;
let writableUserIds: string[];

beforeAll(async () => {
  // 60 users: a medium tenant (5,000 RU per 10 s), so the write quota binds before the RU budget.
  harness = await openSandbox({ throttling: 'published', size: 60, timeScale: 0.01 });
  writableUserIds = harness.sandbox.inspection
    .users()
    .filter((user) => user.onPremisesSyncEnabled !== true)
    .map((user) => user.id);
});
afterAll(async () => {
  await harness.sandbox.close();
});
beforeEach(() => {
  harness.sandbox.inspection.reset(); // every bucket full again, request log empty
});

interface ItemAnswer {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const someUser = (index = 0): string => writableUserIds[index % writableUserIds.length] ?? '';
const patchItem = (id: string, index: number) => ({
  id,
  method: 'PATCH',
  url: `/users/${someUser(index)}`,
  headers: { 'Content-Type': 'application/json' },
  body: { jobTitle: `Batch ${index}` },
});
const postBatch = async (requests: unknown[]): Promise<ItemAnswer[]> =>
  ((await harness.graph.client.api('/$batch').post({ requests })) as { responses: ItemAnswer[] }).responses;
const answerFor = (answers: ItemAnswer[], id: string): ItemAnswer => {
  const answer = answers.find((candidate) => candidate.id === id);
  if (!answer) throw new Error(`no answer for item ${id}`);
  return answer;
};

describe('$batch envelope', () => {
  it('refuses a batch of 21 requests with 400 and runs none of them', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({
      id: String(i + 1),
      method: 'GET',
      url: `/users/${someUser(i)}`,
    }));
    const failure = await graphFailure(harness.graph.client.api('/$batch').post({ requests }));
    expect(failure.status).toBe(400);
    expect(failure.code).toBe('BadRequest');
    expect(
      harness.sandbox.inspection.requests().filter((record) => record.batchItemId !== undefined),
    ).toHaveLength(0);
  });

  it("accepts the graph-client's BatchRequestContent ('/v1.0/...' item urls) and runs dependsOn in order", async () => {
    const base = `${harness.sandbox.baseUrl}v1.0`;
    const upn = 'batch.sequence@contoso.com';
    const content = new BatchRequestContent([
      {
        id: 'create',
        request: new Request(`${base}/users`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(newUserBody('batch.sequence')),
        }),
      },
      { id: 'read', request: new Request(`${base}/users/${upn}`), dependsOn: ['create'] },
    ]);
    const raw = (await harness.graph.client
      .api('/$batch')
      .post(await content.getContent())) as BatchResponseBody;
    const answers = new BatchResponseContent(raw);
    expect(answers.getResponseById('create').status).toBe(201);
    const read = answers.getResponseById('read');
    expect(read.status).toBe(200);
    expect(((await read.json()) as { userPrincipalName: string }).userPrincipalName).toBe(upn);
  });

  it('resolves item urls with a leading /v1.0, a leading slash or neither', async () => {
    const user = someUser(3);
    const answers = await postBatch([
      { id: 'versioned', method: 'GET', url: `/v1.0/users/${user}?$select=id` },
      { id: 'rooted', method: 'GET', url: `/users/${user}?$select=id` },
      { id: 'bare', method: 'GET', url: `users/${user}?$select=id` },
    ]);
    for (const id of ['versioned', 'rooted', 'bare']) {
      expect(answerFor(answers, id)).toMatchObject({ status: 200, body: { id: user } });
    }
  });

  it('answers 424 down a dependsOn chain after a failed item and never runs the dependents', async () => {
    const answers = await postBatch([
      { id: '1', method: 'GET', url: '/users/nobody.at.all@contoso.com' },
      { ...patchItem('2', 0), dependsOn: ['1'] },
      { id: '3', method: 'GET', url: `/users/${someUser(1)}`, dependsOn: ['2'] },
      { id: '4', method: 'GET', url: `/users/${someUser(2)}` },
    ]);
    expect(answerFor(answers, '1').status).toBe(404);
    expect(answerFor(answers, '2').status).toBe(424);
    expect(answerFor(answers, '3').status).toBe(424);
    expect(answerFor(answers, '4').status).toBe(200);
    const ran = harness.sandbox.inspection.requests().flatMap((record) => record.batchItemId ?? []);
    expect(ran.sort()).toEqual(['1', '4']);
  });

  it('meters each item like a top-level request and leaves the envelope free', async () => {
    const answers = await postBatch([
      { id: 'list', method: 'GET', url: '/users' },
      { id: 'one', method: 'GET', url: `/users/${someUser()}` },
    ]);
    expect(answerFor(answers, 'list').headers?.['x-ms-resource-unit']).toBe('2');
    expect(answerFor(answers, 'one').headers?.['x-ms-resource-unit']).toBe('1');
    const records = harness.sandbox.inspection.requests();
    expect(records.find((record) => record.path === '/v1.0/$batch')?.resourceUnits).toBeNull();
  });
});

describe('throttled items', () => {
  /** Spends the whole 3,000-write app+tenant quota in batches of 20 (no item is throttled yet). */
  async function spendWriteQuota(): Promise<void> {
    for (let wave = 0; wave < 15; wave += 1) {
      const batches = Array.from({ length: 10 }, (_, b) =>
        postBatch(Array.from({ length: 20 }, (_, i) => patchItem(String(i + 1), (wave * 10 + b) * 20 + i))),
      );
      const answers = (await Promise.all(batches)).flat();
      expect(answers.filter((answer) => answer.status === 429)).toHaveLength(0);
    }
  }

  it('gives each throttled item its own 429 and Retry-After inside a 200 batch; after the largest, all succeed', async () => {
    await spendWriteQuota();
    const requests = Array.from({ length: 20 }, (_, i) => patchItem(`item-${i}`, i));
    const raw = (await harness.graph.client.api('/$batch').post({ requests })) as BatchResponseBody;
    const answers = [...new BatchResponseContent(raw).getResponses().values()];
    expect(answers).toHaveLength(20);
    expect(answers.every((answer) => answer.status === 429)).toBe(true);
    const retryAfters = answers.map((answer) => Number(answer.headers.get('retry-after')));
    expect(retryAfters.every((seconds) => seconds > 0)).toBe(true);
    expect(new Set(retryAfters).size).toBe(20);
    const scope = answers[0]?.headers.get('x-ms-throttle-scope');
    expect(scope).toBe(
      `Tenant_Application/Write/${harness.sandbox.options.clientId}/${harness.sandbox.options.tenantId}`,
    );
    expect(((await answers[0]?.json()) as { error: { code: string } }).error.code).toBe('TooManyRequests');

    harness.sandbox.clock.advance(Math.max(...retryAfters) * 1000);
    const retried = await postBatch(requests);
    expect(retried.map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 204));
  });

  it('answers a $batch during a 429 storm with 200 and a 429 per item, as Graph throttles items, not the envelope', async () => {
    harness.sandbox.setFaults({ throttleStorm: true });
    try {
      const answers = await postBatch([patchItem('1', 0), patchItem('2', 1)]);
      expect(answers.map((answer) => answer.status)).toEqual([429, 429]);
      for (const answer of answers) expect(Number(answer.headers?.['Retry-After'])).toBeGreaterThan(0);
    } finally {
      harness.sandbox.setFaults({ throttleStorm: false });
    }
    const after = await postBatch([patchItem('3', 2)]);
    expect(answerFor(after, '3').status).toBe(204);
  });
});
