import { describe, expect, it } from '@jest/globals';
import { bannedPasswordScore, isPasswordAcceptable } from '../../sandbox/tenant/password-policy.js';

const context = { givenName: 'Grace', surname: 'Hopper', tenantName: 'Contoso' };

describe('Entra password policy (sandbox model)', () => {
  it.each(['Xq7#mZ2!vR9p', 'correct horse Battery 9', 'Tr0ub4dor&3x'])('accepts %s', (password) => {
    expect(isPasswordAcceptable(password, context)).toBe(true);
  });

  it.each([
    ['shorter than 8', 'Ab1!xyz'],
    ['longer than 256', `Aa1!${'x'.repeat(253)}`],
    ['two character classes', 'abcdefgh1234'],
    ['a non-ASCII character', 'Pässwort#2024'],
    ['a banned term plus few characters', 'P@ssw0rd1!'],
    ['a banned term at edit distance 1', 'Welcomr#12'],
    ["the user's surname", 'Hopper#12'],
    ['the tenant name', 'Contoso!1'],
  ])('refuses a password with %s', (_case, password) => {
    expect(isPasswordAcceptable(password, context)).toBe(false);
  });

  it('scores one point per banned term and one per remaining character (Microsoft example)', () => {
    // "P@ssw0rd1!" normalises to "password1!" → 'password' (1) + '1' + '!' (2) = 3.
    expect(bannedPasswordScore('P@ssw0rd1!', context)).toBe(3);
  });

  it('relaxes only the character-class rule for DisableStrongPassword', () => {
    expect(isPasswordAcceptable('abcdefgh1234', context, false)).toBe(true);
    expect(isPasswordAcceptable('Ab1!', context, false)).toBe(false);
  });
});
