import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ADMIN,
  crashingGateway,
  createRequests,
  directoryUser,
  licenceRequestsPerUser,
  openEngine,
  type EngineHarness,
} from '../support/engine.js';

/**
 * Crashes in the middle of a bulk bind (the run is stopped between steps, leaving steps 'started' after their Graph
 * call already succeeded), each followed by a new engine instance resuming with the same operation id: every user
 * ends up bound exactly once, with one create and one licence each, and no welcome message twice.
 */
let harness: EngineHarness;
const USERS = 60;
const emails = Array.from(
  { length: USERS },
  (_, index) => `crash.user${String(index).padStart(2, '0')}@contoso.com`,
);
emails[7] = "crash.o'hara@contoso.com";
const OPERATION_ID = 'bulk-bind-crash-1';
let sku = { skuId: '', skuPartNumber: '', free: 0, consumed: 0 };

beforeAll(async () => {
  harness = await openEngine(import.meta.url, { sandbox: { size: 'L' }, settings: { bulkConcurrency: 15 } });
  for (const email of emails) await harness.repositories.users.insert(directoryUser(email));
  const skus = await harness.gateway.listSubscribedSkus();
  const roomiest = skus
    .map((entry) => ({ ...entry, free: entry.prepaidUnits.enabled - entry.consumedUnits }))
    .sort((a, b) => b.free - a.free)[0];
  if (!roomiest || roomiest.free < USERS) throw new Error('the tenant has no SKU with enough free seats');
  sku = {
    skuId: roomiest.skuId,
    skuPartNumber: roomiest.skuPartNumber,
    free: roomiest.free,
    consumed: roomiest.consumedUnits,
  };
  harness.sandbox.inspection.reset();
}, 60_000);
afterAll(async () => {
  await harness.close();
});

describe('crash and resume of a bulk bind', () => {
  async function crashAfter(method: 'createUser' | 'assignLicence', n: number): Promise<void> {
    const crash = new AbortController();
    const engine = harness.restart(crashingGateway(harness.gateway, method, n, crash));
    const run = engine.bind(emails, {
      actor: ADMIN,
      operationId: OPERATION_ID,
      licenceSku: sku.skuPartNumber,
      signal: crash.signal,
    });
    await expect(run).rejects.toThrow(`simulated crash after ${method}`);
  }

  it('stops a run between steps when the signal aborts, right after a create reached Microsoft 365', async () => {
    await crashAfter('createUser', 25);
    const records = await harness.repositories.operations.users(OPERATION_ID);
    expect(records.some((record) => record.steps['create'] === 'started')).toBe(true);
    expect(records.filter((record) => record.outcome === 'done').length).toBeLessThan(USERS);
  }, 60_000);

  it('a second crash, in a resumed run, right after a licence assignment reached Microsoft 365', async () => {
    await crashAfter('assignLicence', 20);
    const records = await harness.repositories.operations.users(OPERATION_ID);
    expect(records.some((record) => record.steps['licence'] === 'started')).toBe(true);
    expect(records.filter((record) => record.outcome === 'done').length).toBeLessThan(USERS);
  }, 60_000);

  it('a new engine instance resumes with the same operation id and binds every user exactly once', async () => {
    const resumed = await harness.restart().bind(emails, {
      actor: ADMIN,
      operationId: OPERATION_ID,
      licenceSku: sku.skuPartNumber,
    });
    expect(resumed.resumed).toBe(true);
    expect(resumed.totals).toEqual({ total: USERS, done: USERS, failed: 0, skipped: 0, planned: 0 });

    const accounts = harness.sandbox.inspection
      .users()
      .filter((user) => emails.includes(user.userPrincipalName));
    expect(accounts).toHaveLength(USERS);
    const creates = createRequests(harness.sandbox);
    expect(creates.filter((record) => record.status === 201)).toHaveLength(USERS);
    expect(creates.filter((record) => record.status !== 201)).toEqual([]);

    const licences = licenceRequestsPerUser(harness.sandbox);
    expect(accounts.map((account) => licences.get(account.id) ?? 0)).toEqual(accounts.map(() => 1));
    expect(accounts.every((account) => account.assignedLicenses.some((l) => l.skuId === sku.skuId))).toBe(
      true,
    );
    const [after] = (await harness.gateway.listSubscribedSkus()).filter((entry) => entry.skuId === sku.skuId);
    expect(after?.consumedUnits).toBe(sku.consumed + USERS);

    for (const email of emails) {
      const user = await harness.repositories.users.findByEmail(email);
      const binding = await harness.repositories.bindings.get(user?.id ?? '');
      expect(binding?.state).toBe('bound');
      expect(accounts.find((account) => account.userPrincipalName === email)?.id).toBe(binding?.m365Id);
    }
  }, 60_000);

  it('sends no welcome message twice, and says so where an interrupted one may have gone out', async () => {
    const perRecipient = new Map<string, number>();
    for (const mail of harness.sandbox.inspection.sentMail()) {
      for (const to of mail.toRecipients) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    }
    expect([...perRecipient.values()].every((count) => count === 1)).toBe(true);
    const records = await harness.repositories.operations.users(OPERATION_ID);
    expect(records.every((record) => record.outcome === 'done')).toBe(true);
    const audit = await harness.repositories.audit.query({ operationId: OPERATION_ID, limit: 1000 });
    const unsent = audit.filter((event) => event.detail?.includes('may already have been sent'));
    expect(perRecipient.size + unsent.length).toBeGreaterThanOrEqual(USERS);
  });

  it('running the finished operation again repeats nothing', async () => {
    harness.sandbox.inspection.reset();
    const again = await harness
      .restart()
      .bind(emails, { actor: ADMIN, operationId: OPERATION_ID, licenceSku: sku.skuPartNumber });
    expect(again.totals.done).toBe(USERS);
    expect(
      again.results.every((result) => result.note === 'completed by an earlier run of this operation'),
    ).toBe(true);
    expect(harness.sandbox.inspection.requests()).toEqual([]);
  });

  it('refuses to resume an operation id under another kind of operation', async () => {
    await expect(harness.engine.unbind(emails, { actor: ADMIN, operationId: OPERATION_ID })).rejects.toThrow(
      `The operation id ${OPERATION_ID} belongs to a "bind" operation, not "unbind".`,
    );
  });
});
