import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OperationReport } from '../../commands/engine/results.js';
import { ADMIN, directoryUser, openEngine, writeRequests, type EngineHarness } from '../support/engine.js';

/** Dry runs return the plan and provably write nothing: not to Microsoft 365, not to the directory, no jobs. */
let harness: EngineHarness;
const BOUND = 'bo.bound@contoso.com';
const BLOCKED = 'bl.blocked@contoso.com';
const FRESH = 'fr.fresh@contoso.com';
let existing = '';

const DIRECTORY_COLLECTIONS = ['users', 'bindings', 'operations', 'operationUsers'];

async function directorySnapshot(): Promise<string> {
  const parts = await Promise.all(
    DIRECTORY_COLLECTIONS.map((name) =>
      harness.database.db.collection(name).find().sort({ _id: 1 }).toArray(),
    ),
  );
  return JSON.stringify([parts, [...harness.jobs.jobs.entries()]]);
}

beforeAll(async () => {
  harness = await openEngine(import.meta.url);
  for (const email of [BOUND, BLOCKED, FRESH]) await harness.repositories.users.insert(directoryUser(email));
  await harness.engine.bind([BOUND, BLOCKED], { actor: ADMIN, welcome: false });
  await harness.engine.block([BLOCKED], { actor: ADMIN });
  const member = harness.sandbox.inspection
    .users()
    .find(
      (user) =>
        user.userType === 'Member' &&
        user.onPremisesSyncEnabled !== true &&
        user.mail &&
        !user.mail.includes("'"),
    );
  existing = member?.mail ?? '';
});
afterAll(async () => {
  await harness.close();
});

async function expectNoWrites(run: () => Promise<OperationReport>): Promise<OperationReport> {
  const before = await directorySnapshot();
  harness.sandbox.inspection.reset();
  const report = await run();
  expect(writeRequests(harness.sandbox)).toEqual([]);
  expect(harness.sandbox.inspection.sentMail()).toEqual([]);
  expect(await directorySnapshot()).toBe(before);
  expect(report.dryRun).toBe(true);
  expect(report.operationId).toBeNull();
  return report;
}

const actions = (report: OperationReport, email: string) =>
  report.results.find((result) => result.email === email)?.changes.map((change) => change.action);

describe('dry runs', () => {
  it('import: plans the directory users it would create', async () => {
    const report = await expectNoWrites(() =>
      harness.engine.import({ emails: [existing] }, { actor: ADMIN, dryRun: true }),
    );
    expect(report.results[0]).toMatchObject({
      outcome: 'planned',
      changes: [{ action: 'create-directory-user' }],
    });
  });

  it('bind: plans the create, link, password, licence and welcome for a new account', async () => {
    const report = await expectNoWrites(() =>
      harness.engine.bind([FRESH], { actor: ADMIN, dryRun: true, licenceSku: 'SPE_E5' }),
    );
    expect(report.results[0]?.outcome).toBe('planned');
    expect(actions(report, FRESH)).toEqual([
      'create-account',
      'link',
      'record-password',
      'schedule-password-expiry',
      'assign-licence',
      'send-welcome',
    ]);
    expect(report.results[0]?.password).toBeUndefined();
  });

  it('bind: plans the attribute push of a takeover', async () => {
    await harness.repositories.users.insert(directoryUser(existing, { jobTitle: 'Planned Title' }));
    const report = await expectNoWrites(() =>
      harness.engine.bind([existing], { actor: ADMIN, dryRun: true, welcome: false }),
    );
    expect(report.results[0]?.changes).toContainEqual(
      expect.objectContaining({ action: 'set-attribute', field: 'jobTitle', to: 'Planned Title' }),
    );
    expect(actions(report, existing)).toContain('link');
  });

  it('unbind, block, unblock and password reset: plan without writing', async () => {
    const unbound = await expectNoWrites(() =>
      harness.engine.unbind([BOUND], { actor: ADMIN, dryRun: true }),
    );
    expect(actions(unbound, BOUND)).toEqual(['disable-sign-in', 'unlink', 'cancel-password-expiry']);
    const blocked = await expectNoWrites(() => harness.engine.block([BOUND], { actor: ADMIN, dryRun: true }));
    expect(actions(blocked, BOUND)).toEqual(['disable-sign-in', 'revoke-sessions']);
    const unblocked = await expectNoWrites(() =>
      harness.engine.unblock([BLOCKED], { actor: ADMIN, dryRun: true }),
    );
    expect(actions(unblocked, BLOCKED)).toEqual(['enable-sign-in']);
    const reset = await expectNoWrites(() =>
      harness.engine.resetPassword([BOUND], { actor: ADMIN, dryRun: true }),
    );
    expect(actions(reset, BOUND)).toEqual([
      'set-password',
      'revoke-sessions',
      'record-password',
      'schedule-password-expiry',
    ]);
    expect(reset.results[0]?.password).toBeUndefined();
  });

  it('reconcile with fix as a dry run reports what it would fix and writes nothing', async () => {
    const before = await directorySnapshot();
    harness.sandbox.inspection.reset();
    const report = await harness.engine.reconcile({ actor: ADMIN, fix: true, dryRun: true });
    expect(report.drifted).toBe(0);
    expect(report.checked).toBe(2);
    expect(writeRequests(harness.sandbox)).toEqual([]);
    expect(await directorySnapshot()).toBe(before);
  });

  it('records one "planned" audit event per dry run, and no per-user events', async () => {
    const events = await harness.repositories.audit.query({ limit: 100 });
    const dryRuns = events.filter((event) => event.outcome === 'planned');
    expect(dryRuns.map((event) => event.action).sort()).toEqual(
      [
        'bind:dry-run',
        'bind:dry-run',
        'block:dry-run',
        'import:dry-run',
        'reconcile:dry-run',
        'reset-password:dry-run',
        'unbind:dry-run',
        'unblock:dry-run',
      ].sort(),
    );
    expect(dryRuns.every((event) => event.target === null)).toBe(true);
  });
});
