import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DryRunWriteError, M365UserNotFoundError } from '../../commands/errors.js';
import { createM365Gateway } from '../../graph/gateway.js';
import { graphRequests, newM365User, openGateway, writableUsers } from './harness.js';
import type { GatewayHarness } from './harness.js';

/** Auto-batching, the dry-run guard and pacing against the published limits. */
let harness: GatewayHarness;

beforeAll(async () => {
  harness = await openGateway({ size: 150, timeScale: 50 });
  await harness.gateway.getTenantInfo(); // the one-off tenant-size probe
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.sandbox.inspection.reset();
});

const targets = () => writableUsers(harness.sandbox);
const envelopes = () => graphRequests(harness.sandbox).filter((record) => record.path === '/v1.0/$batch');

describe('auto-batching', () => {
  it('sends 100 concurrent updates as five $batch requests of 20 items', async () => {
    const users = targets().slice(0, 100);
    await Promise.all(
      users.map((user, index) => harness.gateway.updateUser(user.id, { jobTitle: `Batch ${index}` })),
    );
    const patches = graphRequests(harness.sandbox).filter((record) => record.method === 'PATCH');
    expect(patches).toHaveLength(100);
    expect(
      patches.every((record) => record.batchItemId !== undefined && Number(record.batchItemId) <= 20),
    ).toBe(true);
    expect(envelopes().map((record) => record.status)).toEqual([200, 200, 200, 200, 200]);
  });

  it('sends a lone call on its own, without an envelope', async () => {
    await harness.gateway.updateUser(targets()[0]?.id ?? '', { jobTitle: 'Alone' });
    expect(graphRequests(harness.sandbox).map((record) => [record.method, record.batchItemId])).toEqual([
      ['PATCH', undefined],
    ]);
  });

  it('settles each caller with its own item: one failing item fails only its caller', async () => {
    const users = targets().slice(0, 19);
    const missing = '00000000-0000-4000-8000-000000000002';
    const results = await Promise.allSettled([
      ...users.map((user) => harness.gateway.updateUser(user.id, { department: 'Batched' })),
      harness.gateway.updateUser(missing, { department: 'Batched' }),
    ]);
    expect(results.slice(0, 19).every((result) => result.status === 'fulfilled')).toBe(true);
    const last = results[19];
    expect(last?.status === 'rejected' ? last.reason : undefined).toBeInstanceOf(M365UserNotFoundError);
    expect(envelopes()).toHaveLength(1);
  });

  it('fills an envelope when a slot frees: calls arriving while the only slot is busy leave together', async () => {
    const oneSlot = createM365Gateway(
      {
        connection: harness.sandbox.connection(),
        limits: { tenantSize: 'M', maxConcurrentRequests: 1 },
        batching: { windowMs: 1 },
      },
      { clock: harness.sandbox.clock },
    );
    const users = targets().slice(0, 9);
    harness.sandbox.setFaults({ latency: { minMs: 500, maxMs: 500 } });
    try {
      const first = oneSlot.updateUser(users[0]?.id ?? '', { jobTitle: 'First' });
      // Once the first is on its way (its 1 ms window long over), eight more calls, one every 5 ms, while the
      // first holds the only slot for 500 ms.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const later: Promise<void>[] = [];
      for (const user of users.slice(1)) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        later.push(oneSlot.updateUser(user.id, { jobTitle: 'Later' }));
      }
      await Promise.all([first, ...later]);
    } finally {
      harness.sandbox.setFaults({ latency: { minMs: 0, maxMs: 0 } });
    }
    const topLevel = graphRequests(harness.sandbox).filter((record) => record.batchItemId === undefined);
    expect(topLevel.map((record) => [record.method, record.path])).toEqual([
      ['PATCH', `/v1.0/users/${users[0]?.id ?? ''}`],
      ['POST', '/v1.0/$batch'],
    ]);
    expect(graphRequests(harness.sandbox).filter((record) => record.batchItemId !== undefined)).toHaveLength(
      8,
    );
  });

  it('can be switched off: every call then travels alone', async () => {
    const unbatched = createM365Gateway(
      { connection: harness.sandbox.connection(), batching: { enabled: false }, limits: { tenantSize: 'M' } },
      { clock: harness.sandbox.clock },
    );
    await Promise.all(
      targets()
        .slice(0, 5)
        .map((user) => unbatched.updateUser(user.id, { jobTitle: 'Solo' })),
    );
    expect(envelopes()).toHaveLength(0);
    expect(graphRequests(harness.sandbox).filter((record) => record.method === 'PATCH')).toHaveLength(5);
  });
});

describe('dry run', () => {
  const someone = newM365User('dry.run', { mailNickname: 'dryrun', displayName: 'Dry Run' });

  it('refuses and records every write, lets reads through, and Graph sees nothing but GETs', async () => {
    const dry = harness.gateway.dryRun();
    const [first, second] = targets();
    const id = first?.id ?? '';
    const reads = await Promise.all([
      dry.getUser(id),
      dry.getUser(second?.id ?? ''),
      dry.findUserByEmail("liam.o'brien@contoso.com"),
      dry.listSubscribedSkus(),
      dry.getTenantInfo(),
    ]);
    expect(reads[0]?.id).toBe(id);
    const writes = await Promise.allSettled([
      dry.createUser(someone),
      dry.updateUser(id, { jobTitle: 'Dry' }),
      dry.setPassword(id, 'Gx4!rTq9#Lm2-Green', true),
      dry.revokeSignInSessions(id),
      dry.assignLicence(id, 'c5928f49-12ba-48f7-ada3-0d743a3601d5'),
      dry.sendMail("liam.o'brien@contoso.com", { to: 'x@contoso.com', subject: 'Dry', html: '<p>dry</p>' }),
    ]);
    for (const result of writes) {
      expect(result.status === 'rejected' ? result.reason : undefined).toBeInstanceOf(DryRunWriteError);
    }
    expect(dry.wouldSend()).toEqual([
      { method: 'POST', path: '/users' },
      { method: 'PATCH', path: `/users/${id}` },
      { method: 'PATCH', path: `/users/${id}` },
      { method: 'POST', path: `/users/${id}/revokeSignInSessions` },
      { method: 'POST', path: `/users/${id}/assignLicense` },
      { method: 'POST', path: `/users/${encodeURIComponent("liam.o'brien@contoso.com")}/sendMail` },
    ]);
    const seen = harness.sandbox.inspection.requests();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((record) => record.method !== 'GET')).toEqual([]);
    expect(harness.sandbox.inspection.sentMail()).toEqual([]);
  });

  it('keeps the live gateway writing while a dry-run view exists', async () => {
    const dry = harness.gateway.dryRun();
    const id = targets()[3]?.id ?? '';
    await expect(dry.updateUser(id, { jobTitle: 'Dry' })).rejects.toBeInstanceOf(DryRunWriteError);
    await harness.gateway.updateUser(id, { jobTitle: 'Live' });
    expect(harness.sandbox.inspection.users().find((user) => user.id === id)?.jobTitle).toBe('Live');
    expect(dry.wouldSend()).toHaveLength(1);
  });
});
