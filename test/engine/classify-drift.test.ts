import { describe, expect, it } from '@jest/globals';
import {
  classify,
  importPreviewFilterSchema,
  matchesAttributes,
  matchesStatus,
} from '../../commands/engine/classify.js';
import { computeDrift, masteredOnPremises, patchFor } from '../../commands/engine/drift.js';
import { syncedAttributesOfM365 } from '../../commands/engine/mapping.js';
import type { DirectoryUser } from '../../commands/engine/model.js';
import { m365User } from './fixtures.js';

function directoryUser(fields: Partial<DirectoryUser> = {}): DirectoryUser {
  const now = new Date();
  return {
    id: 'd-1',
    email: 'anna.berg@contoso.com',
    emailLower: 'anna.berg@contoso.com',
    givenName: 'Anna',
    surname: 'Berg',
    displayName: 'Anna Berg',
    jobTitle: null,
    department: null,
    company: null,
    addresses: [],
    phoneNumbers: [],
    employeeId: null,
    usageLocation: null,
    password: null,
    source: 'created',
    importedFromM365Id: null,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}

describe('import-preview classification', () => {
  it('is "new" when the email is not in the directory', () => {
    expect(classify(m365User(), { user: undefined, boundUserId: undefined }).status).toBe('new');
  });

  it('is "already-imported" when the directory user came from this account, or is bound to it', () => {
    expect(
      classify(m365User(), { user: directoryUser({ importedFromM365Id: 'u-1' }), boundUserId: undefined })
        .status,
    ).toBe('already-imported');
    expect(classify(m365User(), { user: directoryUser(), boundUserId: 'd-1' }).status).toBe(
      'already-imported',
    );
  });

  it('is a "conflict" when the email exists in the directory but is not linked to this account', () => {
    const row = classify(m365User(), {
      user: directoryUser({ importedFromM365Id: 'other' }),
      boundUserId: undefined,
    });
    expect(row.status).toBe('conflict');
    expect(row.reason).toMatch(/already exists in the directory/);
  });

  it('skips guests (#EXT# or userType Guest) and users without a usable address', () => {
    const none = { user: undefined, boundUserId: undefined };
    expect(classify(m365User({ userType: 'Guest' }), none).status).toBe('skipped');
    expect(
      classify(
        m365User({
          userPrincipalName: 'jo_fabrikam.com#EXT#@contoso.onmicrosoft.com',
          mail: 'jo@fabrikam.com',
        }),
        none,
      ).status,
    ).toBe('skipped');
    expect(classify(m365User({ mail: null, userPrincipalName: 'not-an-address' }), none).reason).toBe(
      'no usable email address',
    );
  });

  it('marks users synchronised from on-premises Active Directory', () => {
    expect(
      classify(m365User({ onPremisesSyncEnabled: true }), { user: undefined, boundUserId: undefined })
        .onPremisesSynced,
    ).toBe(true);
  });

  it('filters by status (already-imported hidden unless asked), domain, department and free text', () => {
    const row = classify(m365User({ department: 'Finance' }), { user: undefined, boundUserId: undefined });
    const imported = { ...row, status: 'already-imported' as const };
    const filter = (input: object) => importPreviewFilterSchema.parse(input);
    expect(matchesStatus(row, filter({}))).toBe(true);
    expect(matchesStatus(imported, filter({}))).toBe(false);
    expect(matchesStatus(imported, filter({ status: 'already-imported' }))).toBe(true);
    expect(matchesStatus(imported, filter({ status: 'all' }))).toBe(true);
    expect(matchesStatus(row, filter({ status: 'conflicts' }))).toBe(false);
    expect(matchesAttributes(row, filter({ domain: 'CONTOSO.com' }))).toBe(true);
    expect(matchesAttributes(row, filter({ domain: 'fabrikam.com' }))).toBe(false);
    expect(matchesAttributes(row, filter({ department: 'finance' }))).toBe(true);
    expect(matchesAttributes(row, filter({ department: 'Sales' }))).toBe(false);
    expect(matchesAttributes(row, filter({ text: 'berg' }))).toBe(true);
    expect(matchesAttributes(row, filter({ text: 'zzz' }))).toBe(false);
  });
});

describe('drift', () => {
  const account = syncedAttributesOfM365(m365User());

  it('reports each differing field with both values', () => {
    const drift = computeDrift({ ...account, jobTitle: 'CFO', accountEnabled: false }, account, {
      onPremisesSynced: false,
    });
    expect(drift).toEqual([
      { field: 'jobTitle', directory: 'CFO', m365: 'Controller', fixable: true },
      { field: 'accountEnabled', directory: false, m365: true, fixable: true },
    ]);
    expect(patchFor(drift)).toEqual({ jobTitle: 'CFO', accountEnabled: false });
  });

  it('treats empty strings as null and ignores a usage location the directory does not assert', () => {
    const drift = computeDrift(
      { ...account, jobTitle: null, usageLocation: null },
      { ...account, jobTitle: '  ' },
      {
        onPremisesSynced: false,
      },
    );
    expect(drift).toEqual([]);
  });

  it('never fixes what on-premises Active Directory masters (only usageLocation is writable then)', () => {
    const drift = computeDrift({ ...account, department: 'Sales', usageLocation: 'GB' }, account, {
      onPremisesSynced: true,
    });
    expect(drift.map((entry) => [entry.field, entry.fixable])).toEqual([
      ['department', false],
      ['usageLocation', true],
    ]);
    expect(patchFor(drift)).toEqual({ usageLocation: 'GB' });
    expect(masteredOnPremises(drift)).toEqual(['department']);
  });
});
