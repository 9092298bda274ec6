import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NotConnectedError, PartnerManagedTenantError } from '../../commands/errors.js';
import { ADMIN, directoryUser, openEngine, writeRequests, type EngineHarness } from '../support/engine.js';

describe('connection', () => {
  let harness: EngineHarness;

  beforeAll(async () => {
    harness = await openEngine(import.meta.url, { connect: false });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('reports never-connected, and every operation but status and connect refuses with NotConnectedError', async () => {
    expect((await harness.engine.status()).status).toBe('never-connected');
    await expect(harness.engine.importPreview({})).rejects.toBeInstanceOf(NotConnectedError);
    await expect(harness.engine.bind(['a@contoso.com'], { actor: ADMIN })).rejects.toBeInstanceOf(
      NotConnectedError,
    );
    await expect(harness.engine.reconcile({ actor: ADMIN })).rejects.toBeInstanceOf(NotConnectedError);
    await expect(harness.engine.expiring(7)).rejects.toBeInstanceOf(NotConnectedError);
  });

  it('connects to the tenant it reads from Microsoft 365 and records who authorised it', async () => {
    const connection = await harness.engine.connect(ADMIN);
    expect(connection).toMatchObject({
      tenantId: harness.sandbox.options.tenantId,
      status: 'active',
      authorisedBy: ADMIN,
    });
    expect((await harness.engine.status()).status).toBe('active');
    const [event] = await harness.repositories.audit.query({ limit: 1 });
    expect(event).toMatchObject({ action: 'connect', outcome: 'succeeded', actor: ADMIN });
    expect(event?.graphRequestIds.length).toBeGreaterThan(0);
  });

  it('seed: deactivating leaves every Microsoft 365 user active (no Graph write at all) and clears every binding', async () => {
    const emails = ['dee.one@contoso.com', 'dee.two@contoso.com'];
    for (const email of emails) await harness.repositories.users.insert(directoryUser(email));
    const bound = await harness.engine.bind(emails, { actor: ADMIN, welcome: false });
    expect(bound.totals.done).toBe(2);
    const userIds = [...harness.jobs.jobs.values()].map((job) => job.userId);
    harness.sandbox.inspection.reset();

    const report = await harness.engine.deactivate(ADMIN);

    expect(report).toEqual({ wasActive: true, bindingsCleared: 2 });
    expect(writeRequests(harness.sandbox)).toEqual([]);
    const accounts = harness.sandbox.inspection
      .users()
      .filter((user) => emails.includes(user.userPrincipalName));
    expect(accounts.map((user) => user.accountEnabled)).toEqual([true, true]);
    expect((await harness.engine.status()).bindings.bound).toBe(0);
    expect(userIds.every((userId) => harness.jobs.get('password-expiry', userId) === undefined)).toBe(true);
    expect((await harness.repositories.users.findByEmail(emails[0] ?? '')) !== null).toBe(true);
    await expect(harness.engine.block(emails, { actor: ADMIN })).rejects.toBeInstanceOf(NotConnectedError);
  });

  it('seed: after reconnecting, users must be bound again to re-establish control', async () => {
    await harness.engine.connect(ADMIN);
    const blocked = await harness.engine.block(['dee.one@contoso.com'], { actor: ADMIN });
    expect(blocked.results[0]?.error?.code).toBe('NOT_BOUND');
    const rebound = await harness.engine.bind(['dee.one@contoso.com'], { actor: ADMIN, welcome: false });
    expect(rebound.results[0]).toMatchObject({ outcome: 'done' });
    expect(rebound.results[0]?.changes.map((change) => change.action)).toContain('link');
    expect(rebound.results[0]?.changes.map((change) => change.action)).not.toContain('create-account');
  });
});

describe('several administrators', () => {
  it('seed: once connected, any administrator can import and provision without signing in to Microsoft 365 again', async () => {
    const harness = await openEngine(import.meta.url, { purpose: 'admins' });
    try {
      const other = { platform: 'slack' as const, id: 'T1:U2', displayName: 'Second Admin' };
      await harness.repositories.users.insert(directoryUser('second.admin@contoso.com'));
      const report = await harness.engine.bind(['second.admin@contoso.com'], {
        actor: other,
        welcome: false,
      });
      expect(report.totals.done).toBe(1);
      const [event] = await harness.repositories.audit.query({
        target: 'second.admin@contoso.com',
        limit: 1,
      });
      expect(event?.actor).toEqual(other);
      expect((await harness.engine.status()).connection?.authorisedBy).toEqual(ADMIN);
    } finally {
      await harness.close();
    }
  });
});

describe('connection to a partner-managed tenant', () => {
  it('seed: refuses a GoDaddy-style tenant (custom domains federated to the partner) with a clear reason', async () => {
    const harness = await openEngine(import.meta.url, {
      connect: false,
      purpose: 'partner',
      sandbox: { partnerManaged: true, domains: ['contoso.com', 'contoso.net'] },
    });
    try {
      const refusal = harness.engine.connect(ADMIN);
      await expect(refusal).rejects.toBeInstanceOf(PartnerManagedTenantError);
      await expect(refusal).rejects.toThrow(/managed by a partner.*contoso\.com, contoso\.net/);
      expect((await harness.engine.status()).status).toBe('never-connected');
      const [event] = await harness.repositories.audit.query({ limit: 1 });
      expect(event).toMatchObject({ action: 'connect', outcome: 'failed' });
    } finally {
      await harness.close();
    }
  });
});
