import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PreviewRow } from '../../commands/engine/classify.js';
import type { SandboxUser } from '../../sandbox/model.js';
import { ADMIN, directoryUser, openEngine, type EngineHarness } from '../support/engine.js';

let harness: EngineHarness;
let members: SandboxUser[];
const email = (user: SandboxUser | undefined): string => user?.mail ?? user?.userPrincipalName ?? '';

beforeAll(async () => {
  harness = await openEngine(import.meta.url, {
    sandbox: { size: 90, domains: ['contoso.com', 'fabrikam.com'] },
  });
  members = harness.sandbox.inspection
    .users()
    .filter((user) => user.userType === 'Member' && user.mail !== null && !user.mail.includes("'"));
});
afterAll(async () => {
  await harness.close();
});

async function allRows(
  filter: Parameters<EngineHarness['engine']['streamImportPreview']>[0],
): Promise<PreviewRow[]> {
  const rows: PreviewRow[] = [];
  for await (const row of harness.engine.streamImportPreview(filter)) rows.push(row);
  return rows;
}

describe('import preview', () => {
  it('classifies every Microsoft 365 user and keeps at most `limit` rows, with counts for all', async () => {
    const preview = await harness.engine.importPreview({}, { limit: 10 });
    const tenant = harness.sandbox.inspection.users();
    expect(preview.rows).toHaveLength(10);
    expect(preview.truncated).toBe(true);
    expect(preview.counts.total).toBe(tenant.length);
    expect(preview.counts.skipped).toBe(tenant.filter((user) => user.userType === 'Guest').length);
    expect(preview.counts.new + preview.counts.skipped).toBe(tenant.length);
  });

  it('skips guests with a reason and marks users synchronised from on-premises', async () => {
    const rows = await allRows({ status: 'all' });
    const guest = rows.find((row) => row.userPrincipalName.includes('#EXT#'));
    expect(guest).toMatchObject({
      status: 'skipped',
      reason: 'guest account (invited from another organisation)',
    });
    const syncedIds = new Set(
      harness.sandbox.inspection
        .users()
        .filter((u) => u.onPremisesSyncEnabled)
        .map((u) => u.id),
    );
    expect(syncedIds.size).toBeGreaterThan(0);
    expect(
      rows
        .filter((row) => row.onPremisesSynced)
        .map((row) => row.m365Id)
        .sort(),
    ).toEqual([...syncedIds].sort());
  });

  it('filters by domain, department and free text (name or email)', async () => {
    const fabrikam = await allRows({ domain: 'fabrikam.com', status: 'all' });
    expect(fabrikam.length).toBeGreaterThan(0);
    expect(
      fabrikam.every((row) =>
        `${row.email ?? ''} ${row.userPrincipalName}`.toLowerCase().includes('@fabrikam.com'),
      ),
    ).toBe(true);
    const department = members.find((user) => user.department !== null)?.department ?? '';
    const inDepartment = await allRows({ department, status: 'all' });
    expect(inDepartment.length).toBe(
      harness.sandbox.inspection.users().filter((u) => u.department === department).length,
    );
    const obrien = await allRows({ text: "o'brien" });
    expect(obrien.map((row) => row.displayName)).toContain("Liam O'Brien");
  });
});

describe('import', () => {
  it('creates directory users with the seed mapping (source imported, linked to the Microsoft 365 object)', async () => {
    const [first, second] = members;
    const report = await harness.engine.import({ emails: [email(first), email(second)] }, { actor: ADMIN });
    expect(report.totals).toMatchObject({ done: 2, failed: 0 });
    const user = await harness.repositories.users.findByEmail(email(first));
    expect(user).toMatchObject({
      source: 'imported',
      importedFromM365Id: first?.id,
      displayName: first?.displayName,
      jobTitle: first?.jobTitle,
      department: first?.department,
    });
  });

  it('seed: a user whose email already exists in the directory fails with exactly that reason while the rest continue', async () => {
    const [, , third, fourth] = members;
    await harness.repositories.users.insert(directoryUser(email(third)));
    const report = await harness.engine.import({ emails: [email(third), email(fourth)] }, { actor: ADMIN });
    expect(report.results.find((r) => r.email === email(third))).toMatchObject({
      outcome: 'failed',
      error: { code: 'DIRECTORY_EMAIL_EXISTS', message: `${email(third)} already exists in the directory.` },
    });
    expect(report.results.find((r) => r.email === email(fourth))?.outcome).toBe('done');
  });

  it('seed (done better): the preview hides users already imported unless asked, and shows conflicts', async () => {
    const preview = await harness.engine.importPreview({}, { limit: 1000 });
    expect(preview.counts['already-imported']).toBe(3);
    expect(preview.counts.conflict).toBe(1);
    expect(preview.rows.some((row) => row.status === 'already-imported')).toBe(false);
    const imported = await harness.engine.importPreview({ status: 'already-imported' });
    expect(imported.rows.map((row) => row.m365Id).sort()).toEqual(
      [members[0]?.id, members[1]?.id, members[3]?.id].sort(),
    );
    const conflicts = await harness.engine.importPreview({ status: 'conflicts' });
    expect(conflicts.rows.map((row) => row.email)).toEqual([email(members[2])]);
  });

  it('skips a user already imported from the same account, and a guest', async () => {
    const guest = harness.sandbox.inspection.users().find((user) => user.userType === 'Guest');
    const report = await harness.engine.import(
      { emails: [email(members[0]), email(guest)] },
      { actor: ADMIN },
    );
    expect(report.results.map((r) => [r.outcome, r.note])).toEqual([
      ['skipped', 'already imported from this Microsoft 365 account'],
      ['skipped', 'not imported: guest account (invited from another organisation)'],
    ]);
  });

  it('imports every new user with allNew, and a second run finds none left', async () => {
    const before = await harness.engine.importPreview({ status: 'new' }, { limit: 0 });
    const report = await harness.engine.import({ allNew: true }, { actor: ADMIN });
    expect(report.totals.done).toBe(before.counts.new);
    const after = await harness.engine.importPreview({}, { limit: 0 });
    expect(after.counts.new).toBe(0);
    const again = await harness.engine.import({ allNew: true }, { actor: ADMIN });
    expect(again.totals.total).toBe(0);
    const obrien = await harness.repositories.users.findByEmail("liam.o'brien@contoso.com");
    expect(obrien?.displayName).toBe("Liam O'Brien");
  });
});
