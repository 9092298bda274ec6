import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { SandboxUser } from '../../sandbox/model.js';
import {
  ADMIN,
  directoryUser,
  openEngine,
  outOfBand,
  writeRequests,
  type EngineHarness,
} from '../support/engine.js';

let harness: EngineHarness;
const DRIFTER = 'dora.drift@contoso.com';
const DISABLED = 'dan.disabled@contoso.com';
const BLOCKED = 'bea.blocked@contoso.com';
const STEADY = 'sam.steady@contoso.com';
let synced: SandboxUser;

beforeAll(async () => {
  harness = await openEngine(import.meta.url);
  const emails = [DRIFTER, DISABLED, BLOCKED, STEADY];
  for (const email of emails)
    await harness.repositories.users.insert(directoryUser(email, { jobTitle: 'Engineer' }));
  const found = harness.sandbox.inspection
    .users()
    .find((user) => user.onPremisesSyncEnabled === true && user.mail);
  if (!found?.mail) throw new Error('no synced user');
  synced = found;
  await harness.repositories.users.insert(
    directoryUser(found.mail, { jobTitle: 'Directory Title', usageLocation: null }),
  );
  const report = await harness.engine.bind([...emails, found.mail], { actor: ADMIN, welcome: false });
  if (report.totals.done !== 5) throw new Error('setup bind failed');
  await harness.engine.block([BLOCKED], { actor: ADMIN });
  const graph = outOfBand(harness.sandbox);
  await graph.updateUser(account(DRIFTER).id, { jobTitle: 'Changed In Admin Center', city: 'Oslo' });
  await graph.updateUser(account(DISABLED).id, { accountEnabled: false });
  await graph.updateUser(account(BLOCKED).id, { accountEnabled: true });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.sandbox.inspection.reset();
});

function account(email: string): SandboxUser {
  const found = harness.sandbox.inspection.users().find((user) => user.userPrincipalName === email);
  if (!found) throw new Error(`${email} missing`);
  return found;
}

describe('reconcile', () => {
  it('reports drift per user and field, sign-in expected from the binding state, writing nothing in report mode', async () => {
    const report = await harness.engine.reconcile({ actor: ADMIN });
    expect(report).toMatchObject({
      fix: false,
      checked: 5,
      inSync: 1,
      drifted: 4,
      fixed: 0,
      missing: 0,
      failed: 0,
    });
    const driftOf = (email: string) =>
      report.results
        .find((result) => result.email === email)
        ?.drift.map((entry) => [entry.field, entry.m365, entry.directory]);
    expect(driftOf(DRIFTER)).toEqual([
      ['jobTitle', 'Changed In Admin Center', 'Engineer'],
      ['city', 'Oslo', null],
    ]);
    expect(driftOf(DISABLED)).toEqual([['accountEnabled', false, true]]);
    expect(driftOf(BLOCKED)).toEqual([['accountEnabled', true, false]]);
    expect(report.results.find((result) => result.email === DRIFTER)?.outcome).toBe('planned');
    expect(writeRequests(harness.sandbox)).toEqual([]);
  });

  it('reports drift in what on-premises Active Directory masters as not fixable, and says why', async () => {
    const report = await harness.engine.reconcile({ actor: ADMIN });
    const result = report.results.find((entry) => entry.email === synced.mail);
    expect(result?.drift).toContainEqual({
      field: 'jobTitle',
      directory: 'Directory Title',
      m365: synced.jobTitle,
      fixable: false,
    });
    expect(result?.note).toMatch(/mastered by on-premises Active Directory, not fixed: .*jobTitle/);
  });

  it('fixes the drift when asked, never writing on-premises-mastered fields', async () => {
    const report = await harness.engine.reconcile({ actor: ADMIN, fix: true });
    expect(report.fixed).toBe(3);
    expect(account(DRIFTER)).toMatchObject({ jobTitle: 'Engineer', city: null });
    expect(account(DISABLED).accountEnabled).toBe(true);
    expect(account(BLOCKED).accountEnabled).toBe(false);
    expect(account(synced.userPrincipalName).jobTitle).toBe(synced.jobTitle);
    const patched = harness.sandbox.inspection.requests().filter((r) => r.method === 'PATCH');
    expect(patched).toHaveLength(3);
    expect(patched.every((r) => !r.path.includes(synced.id))).toBe(true);
    const audit = await harness.repositories.audit.query({ target: DRIFTER, limit: 1 });
    expect(audit[0]).toMatchObject({ action: 'reconcile', outcome: 'succeeded' });
    expect(audit[0]?.parameters['changes']).toEqual(['set-attribute:jobTitle', 'set-attribute:city']);
  });

  it('finds everything in sync afterwards (only the mastered drift remains reported)', async () => {
    const report = await harness.engine.reconcile({ actor: ADMIN, fix: true });
    expect(report).toMatchObject({ checked: 5, drifted: 1, fixed: 0 });
    expect(report.results.map((result) => result.email)).toEqual([synced.mail]);
    expect(writeRequests(harness.sandbox)).toEqual([]);
  });
});
