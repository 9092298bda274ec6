import { describe, expect, it } from '@jest/globals';
import type { M365User } from '../../commands/engine/m365.js';
import {
  importedDirectoryUser,
  mailNicknameOf,
  newM365UserOf,
  syncedAttributesOf,
  syncedAttributesOfM365,
} from '../../commands/engine/mapping.js';
import type { DirectoryUser } from '../../commands/engine/model.js';
import { m365User } from './fixtures.js';

function asDirectoryUser(user: M365User): DirectoryUser {
  const imported = importedDirectoryUser(user);
  if (!imported) throw new Error('not importable');
  const now = new Date();
  return { ...imported, id: 'd-1', emailLower: imported.email.toLowerCase(), createdAt: now, updatedAt: now };
}

describe("import mapping (the seed's table)", () => {
  it('maps names, mail → email, job title, department and companyName when present', () => {
    const imported = importedDirectoryUser(m365User());
    expect(imported).toMatchObject({
      email: 'Anna.Berg@contoso.com',
      givenName: 'Anna',
      surname: 'Berg',
      displayName: 'Anna Berg',
      jobTitle: 'Controller',
      department: 'Finance',
      company: 'Contoso Ltd',
      source: 'imported',
      importedFromM365Id: 'u-1',
      password: null,
    });
    expect(importedDirectoryUser(m365User({ companyName: null }))?.company).toBeNull();
  });

  it('falls back to userPrincipalName when mail is empty', () => {
    expect(importedDirectoryUser(m365User({ mail: null }))?.email).toBe('anna.berg@contoso.com');
  });

  it('puts streetAddress, city, state, postalCode and country into the one "work" address (locality = city, region = state)', () => {
    expect(importedDirectoryUser(m365User())?.addresses).toEqual([
      {
        type: 'work',
        streetAddress: '1 Main St',
        locality: 'Seattle',
        region: 'WA',
        postalCode: '98101',
        country: 'United States',
      },
    ]);
    const none = m365User({ streetAddress: null, city: null, state: null, postalCode: null, country: null });
    expect(importedDirectoryUser(none)?.addresses).toEqual([]);
  });

  it('maps mobilePhone to "mobile" and only the first of businessPhones to "work"', () => {
    expect(importedDirectoryUser(m365User())?.phoneNumbers).toEqual([
      { type: 'mobile', number: '+1 206 555 0100' },
      { type: 'work', number: '+1 206 555 0199' },
    ]);
  });

  it('never imports avatars (the mapped record has no photo field)', () => {
    const imported = importedDirectoryUser(
      m365User({ photo: 'base64…' } as Partial<Record<keyof M365User, unknown>>),
    );
    expect(Object.keys(imported ?? {}).some((key) => /photo|avatar|picture/i.test(key))).toBe(false);
  });

  it('returns nothing for a user without a usable address', () => {
    expect(
      importedDirectoryUser(
        m365User({ mail: null, userPrincipalName: 'x_fabrikam.com#EXT#@contoso.onmicrosoft.com' }),
      ),
    ).toBeNull();
  });

  it("keeps o'brien-style addresses exactly", () => {
    expect(importedDirectoryUser(m365User({ mail: "liam.o'brien@contoso.com" }))?.email).toBe(
      "liam.o'brien@contoso.com",
    );
  });
});

describe('reverse mapping (directory → Microsoft 365)', () => {
  it('round-trips: an imported user maps back to the attributes Microsoft 365 holds', () => {
    const source = m365User();
    const expected = syncedAttributesOfM365(source);
    expect(syncedAttributesOf(asDirectoryUser(source), true)).toEqual(expected);
  });

  it('takes accountEnabled from the caller (the binding state), not from the user record', () => {
    expect(syncedAttributesOf(asDirectoryUser(m365User()), false).accountEnabled).toBe(false);
  });

  it('builds the create request: UPN = email, usage location, enabled, change password at next sign-in', () => {
    const request = newM365UserOf(asDirectoryUser(m365User({ usageLocation: null })), 'GB', 'Secret-1234567');
    expect(request).toMatchObject({
      userPrincipalName: 'Anna.Berg@contoso.com',
      mail: 'Anna.Berg@contoso.com',
      mailNickname: 'Anna.Berg',
      usageLocation: 'GB',
      accountEnabled: true,
      forceChangePasswordNextSignIn: true,
      businessPhones: ['+1 206 555 0199'],
      city: 'Seattle',
      state: 'WA',
    });
  });

  it("derives an alias Exchange accepts, keeping the apostrophe of o'brien", () => {
    expect(mailNicknameOf("liam.o'brien@contoso.com")).toBe("liam.o'brien");
    expect(mailNicknameOf('a..b.@contoso.com')).toBe('a.b');
    expect(mailNicknameOf('(x)@contoso.com')).toBe('x');
    expect(mailNicknameOf('()@contoso.com')).toBe('user');
  });
});
