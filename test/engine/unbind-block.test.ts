import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { SandboxUser } from '../../sandbox/model.js';
import { ADMIN, directoryUser, openEngine, writeRequests, type EngineHarness } from '../support/engine.js';

let harness: EngineHarness;
const ALICE = 'alice.unbind@contoso.com';
const BOB = 'bob.block@contoso.com';

beforeAll(async () => {
  harness = await openEngine(import.meta.url);
  for (const email of [ALICE, BOB]) await harness.repositories.users.insert(directoryUser(email));
  const report = await harness.engine.bind([ALICE, BOB], { actor: ADMIN, welcome: false });
  if (report.totals.done !== 2) throw new Error('setup bind failed');
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.sandbox.inspection.reset();
});

const account = (email: string): SandboxUser | undefined =>
  harness.sandbox.inspection.users().find((user) => user.userPrincipalName === email);
const idOf = async (email: string) => (await harness.repositories.users.findByEmail(email))?.id ?? '';

describe('unbind', () => {
  it('seed: unbinding sets the Microsoft 365 user to "block sign-in", removes the binding and cancels the expiry job', async () => {
    expect(harness.jobs.get('password-expiry', await idOf(ALICE))).toBeDefined();
    const report = await harness.engine.unbind([ALICE], { actor: ADMIN });
    expect(report.results[0]?.outcome).toBe('done');
    expect(account(ALICE)?.accountEnabled).toBe(false);
    expect(await harness.repositories.bindings.get(await idOf(ALICE))).toBeNull();
    expect(harness.jobs.get('password-expiry', await idOf(ALICE))).toBeUndefined();
    expect(await harness.repositories.users.findByEmail(ALICE)).not.toBeNull();
  });

  it('seed: re-binding the user un-blocks the user in Microsoft 365', async () => {
    const report = await harness.engine.bind([ALICE], { actor: ADMIN, welcome: false });
    expect(report.results[0]?.changes).toContainEqual({
      action: 'enable-sign-in',
      target: 'm365',
      from: false,
      to: true,
    });
    expect(account(ALICE)?.accountEnabled).toBe(true);
    expect((await harness.repositories.bindings.get(await idOf(ALICE)))?.state).toBe('bound');
  });

  it('fails a user who is not bound with that reason', async () => {
    await harness.repositories.users.insert(directoryUser('never.bound@contoso.com'));
    const report = await harness.engine.unbind(['never.bound@contoso.com'], { actor: ADMIN });
    expect(report.results[0]?.error).toEqual({
      code: 'NOT_BOUND',
      message: 'never.bound@contoso.com is not bound to Microsoft 365; bind the user first.',
    });
  });
});

describe('block and unblock', () => {
  it('block turns sign-in off, revokes sign-in sessions, and keeps the user bound', async () => {
    const sessionsBefore = account(BOB)?.signInSessionsValidFromDateTime;
    harness.sandbox.clock.advance(60_000);
    const report = await harness.engine.block([BOB], { actor: ADMIN });
    expect(report.results[0]?.outcome).toBe('done');
    expect(account(BOB)?.accountEnabled).toBe(false);
    expect(account(BOB)?.signInSessionsValidFromDateTime).not.toBe(sessionsBefore);
    expect(harness.sandbox.inspection.requests().some((r) => r.path.endsWith('/revokeSignInSessions'))).toBe(
      true,
    );
    expect((await harness.repositories.bindings.get(await idOf(BOB)))?.state).toBe('blocked');
  });

  it('blocking a blocked user is skipped', async () => {
    const report = await harness.engine.block([BOB], { actor: ADMIN });
    expect(report.results[0]).toMatchObject({ outcome: 'skipped', note: 'already blocked' });
    expect(writeRequests(harness.sandbox)).toEqual([]);
  });

  it('unblock turns sign-in back on and the binding returns to bound', async () => {
    const report = await harness.engine.unblock([BOB], { actor: ADMIN });
    expect(report.results[0]?.outcome).toBe('done');
    expect(account(BOB)?.accountEnabled).toBe(true);
    expect((await harness.repositories.bindings.get(await idOf(BOB)))?.state).toBe('bound');
  });

  it('unblocking a user who is not blocked is skipped', async () => {
    const report = await harness.engine.unblock([BOB], { actor: ADMIN });
    expect(report.results[0]).toMatchObject({ outcome: 'skipped', note: 'not blocked (bound)' });
  });

  it('refuses to block an account synchronised from on-premises Active Directory, saying why', async () => {
    const synced = harness.sandbox.inspection
      .users()
      .find((user) => user.onPremisesSyncEnabled === true && user.mail);
    if (!synced?.mail) throw new Error('no synced user');
    await harness.engine.import({ emails: [synced.mail] }, { actor: ADMIN });
    await harness.engine.bind([synced.mail], { actor: ADMIN, welcome: false });
    const report = await harness.engine.block([synced.mail], { actor: ADMIN });
    expect(report.results[0]?.error?.code).toBe('M365_ON_PREMISES_MASTERED');
    expect(report.results[0]?.error?.message).toMatch(/can only be changed there/);
    expect(account(synced.userPrincipalName)?.accountEnabled).toBe(synced.accountEnabled);
    const reset = await harness.engine.resetPassword([synced.mail], { actor: ADMIN });
    expect(reset.results[0]?.error?.message).toMatch(
      /synchronised from on-premises Active Directory, so the password can only be changed there/,
    );
  });

  it('unbinding an on-premises-synchronised account removes the binding and says sign-in can only be blocked on-premises', async () => {
    const synced = harness.sandbox.inspection
      .users()
      .find((user) => user.onPremisesSyncEnabled === true && user.mail);
    const report = await harness.engine.unbind([synced?.mail ?? ''], { actor: ADMIN });
    expect(report.results[0]).toMatchObject({ outcome: 'done' });
    expect(report.results[0]?.note).toMatch(/sign-in can only be blocked there/);
    expect(writeRequests(harness.sandbox)).toEqual([]);
  });
});
