import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { satisfiesDirectoryPolicy, satisfiesEntraRules } from '../../commands/engine/password.js';
import { engineSettingsSchema } from '../../commands/engine/settings.js';
import type { SandboxUser } from '../../sandbox/model.js';
import {
  ADMIN,
  directoryUser,
  licenceRequestsPerUser,
  openEngine,
  outOfBand,
  writeRequests,
  type EngineHarness,
} from '../support/engine.js';

let harness: EngineHarness;
const policy = engineSettingsSchema.parse({}).passwordPolicy;
const E5 = 'SPE_E5';

beforeAll(async () => {
  harness = await openEngine(import.meta.url, { sandbox: { size: 40 } });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.sandbox.inspection.reset();
});

const account = (email: string): SandboxUser | undefined =>
  harness.sandbox.inspection
    .users()
    .find((user) => user.userPrincipalName.toLowerCase() === email.toLowerCase());

function members(filter: (user: SandboxUser) => boolean): SandboxUser[] {
  return harness.sandbox.inspection
    .users()
    .filter(
      (user) => user.userType === 'Member' && user.mail !== null && !user.mail.includes("'") && filter(user),
    );
}

async function bindOne(email: string, options: { licenceSku?: string; welcome?: boolean } = {}) {
  const report = await harness.engine.bind([email], { actor: ADMIN, ...options });
  const [result] = report.results;
  if (!result) throw new Error('no result');
  return result;
}

describe('bind: a new Microsoft 365 account', () => {
  it('creates it with UPN = email, the default usage location and an initial password both policies accept, to change at first sign-in', async () => {
    const user = await harness.repositories.users.insert(
      directoryUser('nora.new@contoso.com', { jobTitle: 'Analyst' }),
    );
    const result = await bindOne(user.email, { welcome: false });
    expect(result.outcome).toBe('done');
    const created = account(user.email);
    expect(created).toMatchObject({
      userPrincipalName: 'nora.new@contoso.com',
      mail: 'nora.new@contoso.com',
      usageLocation: 'US',
      accountEnabled: true,
      jobTitle: 'Analyst',
      forceChangePasswordNextSignIn: true,
    });
    expect(result.password).toBe(created?.password);
    expect(satisfiesDirectoryPolicy(result.password ?? '', policy)).toBe(true);
    expect(satisfiesEntraRules(result.password ?? '')).toBe(true);
    const binding = await harness.repositories.bindings.get(user.id);
    expect(binding).toMatchObject({ state: 'bound', m365Id: created?.id, onPremisesSynced: false });
    // The directory asserts no usage location (null): reconcile leaves the account's own alone.
    expect((await harness.repositories.users.findById(user.id))?.usageLocation).toBeNull();
  });

  it('records the password state and schedules its expiry job', async () => {
    const user = await harness.repositories.users.findByEmail('nora.new@contoso.com');
    const expiresAt = user?.password?.expiresAt;
    expect(user?.password).toMatchObject({ policyVersion: 1 });
    expect(expiresAt?.getTime()).toBeCloseTo((user?.password?.setAt.getTime() ?? 0) + 90 * 86_400_000, -3);
    expect(harness.jobs.get('password-expiry', user?.id ?? '')?.at).toEqual(expiresAt);
  });

  it('seed: binding sends a welcome message through Graph sendMail from the configured sender mailbox', async () => {
    const user = await harness.repositories.users.insert(directoryUser('wendy.welcome@contoso.com'));
    const result = await bindOne(user.email);
    expect(result.outcome).toBe('done');
    const [mail] = harness.sandbox.inspection.sentMail();
    const sender = engineSettingsSchema.parse(harness.settings).welcomeMail.senderUpn ?? '';
    expect(mail).toMatchObject({ toRecipients: [user.email], subject: 'Welcome to Microsoft 365' });
    expect(mail?.from.toLowerCase()).toBe(sender.toLowerCase());
    expect(mail?.content).not.toContain(result.password ?? 'no password');
  });

  it('does not send the welcome message when the call suppresses it', async () => {
    const user = await harness.repositories.users.insert(directoryUser('quiet.quinn@contoso.com'));
    expect((await bindOne(user.email, { welcome: false })).outcome).toBe('done');
    expect(harness.sandbox.inspection.sentMail()).toEqual([]);
  });

  it('assigns the licence after checking for a free seat, once', async () => {
    const user = await harness.repositories.users.insert(directoryUser('lena.licence@contoso.com'));
    const result = await bindOne(user.email, { licenceSku: E5, welcome: false });
    expect(result.outcome).toBe('done');
    const created = account(user.email);
    expect(created?.assignedLicenses.map((licence) => licence.skuId)).toEqual([
      '06ebc4ee-1bb5-47dd-8120-11324bc54e06',
    ]);
    expect(licenceRequestsPerUser(harness.sandbox).get(created?.id ?? '')).toBe(1);
    expect(harness.sandbox.inspection.requests().some((r) => r.path === '/v1.0/subscribedSkus')).toBe(true);
  });

  it('fails the user with LicenceUnavailableError when the subscription has no free seat, and sends no assignment', async () => {
    const user = await harness.repositories.users.insert(directoryUser('vic.visio@contoso.com'));
    const result = await bindOne(user.email, { licenceSku: 'VISIOCLIENT', welcome: false });
    expect(result.error).toEqual({
      code: 'M365_LICENCE_UNAVAILABLE',
      message:
        "A licence can't be assigned to vic.visio@contoso.com: the subscription VISIOCLIENT has no free seats.",
    });
    expect(licenceRequestsPerUser(harness.sandbox).size).toBe(0);
    // The account exists and is bound; only the licence is missing.
    expect((await harness.repositories.bindings.get(user.id))?.state).toBe('bound');
  });

  it("handles o'brien-style addresses end to end", async () => {
    const user = await harness.repositories.users.insert(directoryUser("sean.o'neill@contoso.com"));
    const result = await bindOne(user.email, { welcome: false });
    expect(result.outcome).toBe('done');
    expect(account("sean.o'neill@contoso.com")?.mailNickname).toBe("sean.o'neill");
  });
});

describe('bind: an existing Microsoft 365 account', () => {
  it('takes it over: links it and pushes only the attributes that differ from the directory', async () => {
    // A seeded account the directory does not know yet (earlier tests create and bind accounts of their own).
    const candidates = members(
      (user) => user.accountEnabled && user.onPremisesSyncEnabled !== true && user.jobTitle !== null,
    );
    let target: SandboxUser | undefined;
    for (const candidate of candidates) {
      if ((await harness.repositories.users.findByEmail(candidate.mail ?? '')) !== null) continue;
      target = candidate;
      break;
    }
    if (!target?.mail) throw new Error('no cloud member the directory does not know');
    const imported = await harness.engine.import({ emails: [target.mail] }, { actor: ADMIN });
    // The whole result, so a failure shows its reason.
    expect(imported.results).toEqual([expect.objectContaining({ outcome: 'done' })]);
    const user = await harness.repositories.users.findByEmail(target.mail);
    await harness.repositories.users.update(user?.id ?? '', { jobTitle: 'Chief Cartographer' });
    harness.sandbox.inspection.reset();

    const result = await bindOne(target.mail, { welcome: false });

    expect(result.outcome).toBe('done');
    expect(result.changes.filter((change) => change.action === 'set-attribute')).toEqual([
      {
        action: 'set-attribute',
        target: 'm365',
        field: 'jobTitle',
        from: target.jobTitle,
        to: 'Chief Cartographer',
      },
    ]);
    expect(account(target.userPrincipalName)?.jobTitle).toBe('Chief Cartographer');
    expect(account(target.userPrincipalName)?.password).toBe(target.password);
    expect(
      harness.sandbox.inspection.requests().filter((r) => r.method === 'POST' && r.path === '/v1.0/users'),
    ).toEqual([]);
    expect((await harness.repositories.bindings.get(user?.id ?? ''))?.m365Id).toBe(target.id);
  });

  it('unblocks an account whose sign-in was blocked in Microsoft 365', async () => {
    const target = members((user) => !user.accountEnabled && user.onPremisesSyncEnabled !== true)[0];
    if (!target?.mail) throw new Error('no disabled member');
    await harness.engine.import({ emails: [target.mail] }, { actor: ADMIN });
    const result = await bindOne(target.mail, { welcome: false });
    expect(result.changes).toContainEqual({
      action: 'enable-sign-in',
      target: 'm365',
      from: false,
      to: true,
    });
    expect(account(target.userPrincipalName)?.accountEnabled).toBe(true);
  });

  it('links an on-premises-synchronised account without writing what on-premises masters, and says why', async () => {
    const target = members((user) => user.onPremisesSyncEnabled === true)[0];
    if (!target?.mail) throw new Error('no synced member');
    await harness.repositories.users.insert(
      directoryUser(target.mail, { jobTitle: 'Something Else', usageLocation: null }),
    );
    const result = await bindOne(target.mail, { welcome: false });
    expect(result.outcome).toBe('done');
    expect(result.note).toMatch(
      /synchronised from on-premises Active Directory, so .*jobTitle.* not written/,
    );
    expect(harness.sandbox.inspection.requests().filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(account(target.userPrincipalName)?.jobTitle).toBe(target.jobTitle);
    const user = await harness.repositories.users.findByEmail(target.mail);
    expect(await harness.repositories.bindings.get(user?.id ?? '')).toMatchObject({
      state: 'bound',
      onPremisesSynced: true,
    });
  });

  it('refuses to bind a second directory user to an account that is already bound', async () => {
    const nora = account('nora.new@contoso.com');
    await outOfBand(harness.sandbox).updateUser(nora?.id ?? '', { mail: 'nora.alias@contoso.com' });
    await harness.repositories.users.insert(directoryUser('nora.alias@contoso.com'));
    const result = await bindOne('nora.alias@contoso.com', { welcome: false });
    expect(result.error).toEqual({
      code: 'INVALID_INPUT',
      message:
        "nora.alias@contoso.com can't be bound: its Microsoft 365 account (nora.new@contoso.com) is already bound to another directory user.",
    });
  });

  it('skips a user who is already bound, with a note', async () => {
    const result = await bindOne('nora.new@contoso.com');
    expect(result).toMatchObject({ outcome: 'skipped', note: 'already bound (bound)' });
    expect(writeRequests(harness.sandbox)).toEqual([]);
  });
});

describe('bind: bulk', () => {
  it('reports per user, fails one user with its reason while the others continue, and emits progress', async () => {
    const emails = ['bulk.one@contoso.com', 'bulk.two@contoso.com', 'bulk.three@contoso.com'];
    for (const email of emails) await harness.repositories.users.insert(directoryUser(email));
    const progress: number[] = [];
    const report = await harness.engine.bind([...emails, 'nobody.here@contoso.com'], {
      actor: ADMIN,
      welcome: false,
      onProgress: ({ done, total }) => progress.push(done / total),
    });
    expect(report.totals).toEqual({ total: 4, done: 3, failed: 1, skipped: 0, planned: 0 });
    expect(report.results.find((r) => r.email === 'nobody.here@contoso.com')?.error?.code).toBe(
      'DIRECTORY_USER_NOT_FOUND',
    );
    expect(progress).toEqual([0.25, 0.5, 0.75, 1]);
    const audit = await harness.repositories.audit.query({ operationId: report.operationId ?? '' });
    expect(audit).toHaveLength(4);
    expect(
      audit
        .filter((event) => event.outcome === 'succeeded')
        .every((event) => event.graphRequestIds.length > 0),
    ).toBe(true);
    const passwords = report.results.map((r) => r.password ?? '').filter((password) => password !== '');
    expect(passwords).toHaveLength(3);
    for (const password of passwords) expect(JSON.stringify(audit)).not.toContain(password);
  });
});
