import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN, directoryUser, openEngine, outOfBand, type EngineHarness } from '../support/engine.js';

/**
 * Seed: "When I delete an account in Office 365 … the user remains unchanged in JumpCloud … Office 365 will often
 * require up to 24 hours until they release the same email address to be re-used again. You may re-bind the user
 * at that time." The engine notices the delete, and re-binding waits for the hold and retries by itself.
 */
let harness: EngineHarness;
const HOUR = 60 * 60 * 1000;
const email = 'hank.hold@contoso.com';

beforeAll(async () => {
  harness = await openEngine(import.meta.url);
  await harness.repositories.users.insert(directoryUser(email));
  const bound = await harness.engine.bind([email], { actor: ADMIN, welcome: false });
  const [result] = bound.results;
  if (result?.outcome !== 'done') throw new Error('setup bind failed');
});
afterAll(async () => {
  await harness.close();
});

const userId = async () => (await harness.repositories.users.findByEmail(email))?.id ?? '';

describe('an account deleted in Microsoft 365', () => {
  it('seed: reconcile notices the delete, marks the binding missing-in-m365 and leaves the directory user unchanged', async () => {
    const before = await harness.repositories.users.findByEmail(email);
    const binding = await harness.repositories.bindings.get(before?.id ?? '');
    await outOfBand(harness.sandbox).deleteUser(binding?.m365Id ?? '');

    const report = await harness.engine.reconcile({ actor: ADMIN });

    expect(report.missing).toBe(1);
    expect(report.results[0]).toMatchObject({
      email,
      changes: [{ action: 'mark-missing', target: 'directory' }],
    });
    expect(report.results[0]?.note).toMatch(/deleted in Microsoft 365; the directory user is unchanged/);
    expect((await harness.repositories.bindings.get(before?.id ?? ''))?.state).toBe('missing-in-m365');
    expect(await harness.repositories.users.findByEmail(email)).toEqual(before);
    expect(harness.jobs.get('password-expiry', before?.id ?? '')).toBeUndefined();
  });

  it('seed: binding again waits while Microsoft 365 holds the address, and tells the admin when it retries', async () => {
    const report = await harness.engine.bind([email], { actor: ADMIN, licenceSku: 'SPE_E5', welcome: false });
    const [result] = report.results;
    const now = harness.clock.now().getTime();
    const binding = await harness.repositories.bindings.get(await userId());
    expect(binding).toMatchObject({ state: 'pending-address-release', m365Id: null });
    expect(binding?.retryAt?.getTime()).toBeGreaterThanOrEqual(now + 24 * HOUR - 5_000);
    expect(binding?.retryAt?.getTime()).toBeLessThanOrEqual(now + 24 * HOUR);
    const at = `${binding?.retryAt?.toISOString().slice(11, 16) ?? '??'} UTC`;
    expect(result?.outcome).toBe('failed');
    expect(result?.error).toEqual({
      code: 'M365_ADDRESS_HELD',
      message: `${email} can't be created yet: Microsoft 365 still holds that address after a recent delete; retrying automatically at ${at}.`,
    });
    expect(result?.note).toContain(`retrying automatically at ${at}`);
    expect(harness.jobs.get('address-release-retry', await userId())).toEqual({
      kind: 'address-release-retry',
      userId: await userId(),
      at: binding?.retryAt,
      bind: { licenceSku: 'SPE_E5', welcome: false },
    });
  });

  it('a retry that finds the address still held keeps waiting and reschedules itself', async () => {
    harness.sandbox.clock.advance(HOUR);
    const job = harness.jobs.get('address-release-retry', await userId());
    const result = await harness.engine.retryAddressRelease({ userId: await userId(), ...job?.bind });
    expect(result.error?.code).toBe('M365_ADDRESS_HELD');
    // The hold began at the delete, not at the first attempt: a re-check comes an hour (hold ÷ 24) later.
    const next = harness.jobs.get('address-release-retry', await userId());
    const now = harness.clock.now().getTime();
    expect(next?.at.getTime()).toBeGreaterThan(now + HOUR - 5_000);
    expect(next?.at.getTime()).toBeLessThanOrEqual(now + HOUR);
    expect(next?.bind).toEqual(job?.bind);
    expect((await harness.repositories.bindings.get(await userId()))?.state).toBe('pending-address-release');
  });

  it('once the hold is over, the retry job creates the account, licenses it and binds it', async () => {
    harness.sandbox.clock.advance(24 * HOUR);
    const job = harness.jobs.get('address-release-retry', await userId());
    const result = await harness.engine.retryAddressRelease({ userId: await userId(), ...job?.bind });
    expect(result.outcome).toBe('done');
    expect(result.password).toBeDefined();
    const created = harness.sandbox.inspection.users().find((user) => user.userPrincipalName === email);
    expect(created?.assignedLicenses).toHaveLength(1);
    expect(await harness.repositories.bindings.get(await userId())).toMatchObject({
      state: 'bound',
      m365Id: created?.id,
      retryAt: null,
    });
    const audit = await harness.repositories.audit.query({ target: email, limit: 1 });
    expect(audit[0]).toMatchObject({
      action: 'bind:address-retry',
      outcome: 'succeeded',
      actor: { platform: 'system' },
    });
  });

  it('a retry for a binding that no longer waits does nothing', async () => {
    const result = await harness.engine.retryAddressRelease({ userId: await userId() });
    expect(result).toMatchObject({ outcome: 'skipped', note: 'no binding is waiting for its address' });
  });
});
