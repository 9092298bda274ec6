import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { satisfiesDirectoryPolicy } from '../../commands/engine/password.js';
import { engineSettingsSchema } from '../../commands/engine/settings.js';
import type { SandboxUser } from '../../sandbox/model.js';
import {
  ADMIN,
  capturingLogger,
  directoryUser,
  openEngine,
  outOfBand,
  writeRequests,
  type EngineHarness,
} from '../support/engine.js';

/** Password reset, expiry and re-activation (the seed's Credentials FAQ). */
let harness: EngineHarness;
const logger = capturingLogger();
const DAY = 86_400_000;
const PAM = 'pam.password@contoso.com';
const EVE = 'eve.expiry@contoso.com';
const settings = { passwordPolicy: { length: 20, expiryDays: 30, version: 3 } };
const policy = engineSettingsSchema.parse(settings).passwordPolicy;
const passwordsSeen: string[] = [];

beforeAll(async () => {
  harness = await openEngine(import.meta.url, { settings, logger });
  for (const email of [PAM, EVE]) await harness.repositories.users.insert(directoryUser(email));
  const report = await harness.engine.bind([PAM, EVE], { actor: ADMIN, welcome: false });
  passwordsSeen.push(...report.results.map((result) => result.password ?? ''));
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.sandbox.inspection.reset();
});

const account = (email: string): SandboxUser | undefined =>
  harness.sandbox.inspection.users().find((user) => user.userPrincipalName === email);
const userOf = async (email: string) => {
  const user = await harness.repositories.users.findByEmail(email);
  if (!user) throw new Error(`${email} missing`);
  return user;
};

describe('password reset', () => {
  it('seed: the directory policy governs the password pushed to Microsoft 365, which the caller alone receives', async () => {
    const report = await harness.engine.resetPassword([PAM], { actor: ADMIN });
    const [result] = report.results;
    expect(result?.outcome).toBe('done');
    const password = result?.password ?? '';
    passwordsSeen.push(password);
    expect(password).toHaveLength(20);
    expect(satisfiesDirectoryPolicy(password, policy)).toBe(true);
    expect(account(PAM)?.password).toBe(password);
    expect(account(PAM)?.forceChangePasswordNextSignIn).toBe(true);
  });

  it('seed: after the user changed the password in Microsoft 365, the next directory update overwrites it and signs the user out', async () => {
    await outOfBand(harness.sandbox).updateUser(account(PAM)?.id ?? '', {
      passwordProfile: { password: 'MyOwnChoice-2024!', forceChangePasswordNextSignIn: false },
    });
    expect(account(PAM)?.password).toBe('MyOwnChoice-2024!');
    const before = account(PAM)?.signInSessionsValidFromDateTime;
    harness.sandbox.clock.advance(60_000);
    const report = await harness.engine.resetPassword([PAM], { actor: ADMIN, forceChangeNextSignIn: false });
    passwordsSeen.push(report.results[0]?.password ?? '');
    expect(account(PAM)?.password).toBe(report.results[0]?.password);
    expect(account(PAM)?.signInSessionsValidFromDateTime).not.toBe(before);
    expect(account(PAM)?.forceChangePasswordNextSignIn).toBe(false);
    const paths = harness.sandbox.inspection.requests().map((r) => `${r.method} ${r.path}`);
    expect(paths.some((path) => path.startsWith('POST') && path.endsWith('/revokeSignInSessions'))).toBe(
      true,
    );
  });

  it('records setAt, expiresAt and the policy version, and reschedules the expiry job', async () => {
    const user = await userOf(PAM);
    const now = harness.clock.now().getTime();
    expect(user.password?.policyVersion).toBe(3);
    expect(now - (user.password?.setAt.getTime() ?? 0)).toBeLessThan(5_000);
    expect(user.password?.expiresAt?.getTime()).toBe((user.password?.setAt.getTime() ?? 0) + 30 * DAY);
    expect(harness.jobs.get('password-expiry', user.id)?.at).toEqual(user.password?.expiresAt);
  });
});

describe('password expiry', () => {
  it('does nothing when the job fires for a password that was reset since', async () => {
    const result = await harness.engine.expirePassword((await userOf(PAM)).id);
    expect(result).toMatchObject({
      outcome: 'skipped',
      note: 'the password was reset since; it has not expired',
    });
    expect(account(PAM)?.accountEnabled).toBe(true);
  });

  it('seed: an expired directory password suspends the Microsoft 365 account', async () => {
    harness.sandbox.clock.advance(31 * DAY);
    const user = await userOf(EVE);
    const result = await harness.engine.expirePassword(user.id);
    expect(result.outcome).toBe('done');
    expect(account(EVE)?.accountEnabled).toBe(false);
    expect((await harness.repositories.bindings.get(user.id))?.state).toBe('suspended-password-expired');
  });

  it('is idempotent: a job that fires twice suspends once (no second write)', async () => {
    const result = await harness.engine.expirePassword((await userOf(EVE)).id);
    expect(result.outcome).toBe('skipped');
    expect(writeRequests(harness.sandbox)).toEqual([]);
  });

  it('completes a suspension whose run stopped after the state moved and before Microsoft 365 was told', async () => {
    const user = await userOf(EVE);
    const m365Id = (await harness.repositories.bindings.get(user.id))?.m365Id ?? '';
    // The state says suspended, the account is still enabled: what a bot killed between the two leaves.
    await harness.gateway.updateUser(m365Id, { accountEnabled: true }, { requestIds: [] });
    expect(account(EVE)?.accountEnabled).toBe(true);
    const result = await harness.engine.expirePassword(user.id);
    expect(result).toMatchObject({
      outcome: 'done',
      note: 'completed a suspension an earlier run had started',
    });
    expect(account(EVE)?.accountEnabled).toBe(false);
  });

  it('lists the users whose password expires within n days, the expired ones included', async () => {
    const renewed = await harness.engine.resetPassword([PAM], { actor: ADMIN });
    passwordsSeen.push(renewed.results[0]?.password ?? '');
    const soon = await harness.engine.expiring(0);
    expect(soon.map((entry) => [entry.email, entry.expired, entry.state])).toEqual([
      [EVE, true, 'suspended-password-expired'],
    ]);
    const month = await harness.engine.expiring(30);
    expect(month.map((entry) => entry.email)).toEqual([EVE, PAM]);
  });

  it('seed: resetting the password re-activates the suspended Microsoft 365 account', async () => {
    const report = await harness.engine.resetPassword([EVE], { actor: ADMIN });
    passwordsSeen.push(report.results[0]?.password ?? '');
    expect(report.results[0]?.note).toMatch(/active again/);
    expect(account(EVE)?.accountEnabled).toBe(true);
    expect((await harness.repositories.bindings.get((await userOf(EVE)).id))?.state).toBe('bound');
  });

  it('does nothing for a user who was unbound since', async () => {
    const user = await userOf(PAM);
    await harness.engine.unbind([PAM], { actor: ADMIN });
    harness.sandbox.clock.advance(40 * DAY);
    harness.sandbox.inspection.reset();
    const result = await harness.engine.expirePassword(user.id);
    expect(result).toMatchObject({ outcome: 'skipped', note: 'not bound any more' });
    expect(writeRequests(harness.sandbox)).toEqual([]);
  });
});

describe('secrets', () => {
  it('never writes a password to the audit log, the operation records or the logs', async () => {
    const audit = JSON.stringify(await harness.repositories.audit.query({ limit: 1000 }));
    const operations = JSON.stringify(
      await harness.database.db.collection('operationUsers').find().toArray(),
    );
    const users = JSON.stringify(await harness.database.db.collection('users').find().toArray());
    expect(passwordsSeen.filter((password) => password.length >= 16)).toHaveLength(6);
    for (const password of passwordsSeen) {
      expect(audit).not.toContain(password);
      expect(operations).not.toContain(password);
      expect(users).not.toContain(password);
      for (const line of logger.lines) expect(line).not.toContain(password);
    }
  });

  it('seed: authentication methods and MFA are never touched (no request to /authentication)', async () => {
    await harness.engine.resetPassword([EVE], { actor: ADMIN });
    await harness.engine.block([EVE], { actor: ADMIN });
    await harness.engine.unblock([EVE], { actor: ADMIN });
    const paths = harness.sandbox.inspection.requests().map((record) => record.path.toLowerCase());
    expect(paths.length).toBeGreaterThan(3);
    expect(paths.filter((path) => path.includes('/authentication'))).toEqual([]);
  });
});
