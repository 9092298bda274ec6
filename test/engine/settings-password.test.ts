import { describe, expect, it } from '@jest/globals';
import {
  generatePassword,
  passwordExpiry,
  satisfiesDirectoryPolicy,
  satisfiesEntraRules,
} from '../../commands/engine/password.js';
import { engineSettingsSchema, ENTRA_PASSWORD_RULES } from '../../commands/engine/settings.js';
import { bannedPasswordScore, isPasswordAcceptable } from '../../sandbox/tenant/password-policy.js';

const defaults = engineSettingsSchema.parse({});

describe('engine settings', () => {
  it('defaults to a 16-character, four-class password policy expiring after 90 days, welcome mail on, US, 24 h hold', () => {
    expect(defaults.passwordPolicy).toMatchObject({ length: 16, expiryDays: 90, version: 1 });
    expect(defaults.passwordPolicy.requiredClasses).toEqual(['lower', 'upper', 'digit', 'symbol']);
    expect(defaults.welcomeMail).toEqual({
      enabled: true,
      senderUpn: null,
      subject: 'Welcome to Microsoft 365',
    });
    expect(defaults.defaultUsageLocation).toBe('US');
    expect(defaults.addressHoldWaitMs).toBe(24 * 60 * 60 * 1000);
    expect(defaults.bulkConcurrency).toBe(50);
  });

  it('refuses policies Entra would not accept: shorter than 12, fewer than 3 classes, symbols Entra refuses', () => {
    expect(engineSettingsSchema.safeParse({ passwordPolicy: { length: 11 } }).success).toBe(false);
    expect(
      engineSettingsSchema.safeParse({ passwordPolicy: { requiredClasses: ['lower', 'upper'] } }).success,
    ).toBe(false);
    expect(
      engineSettingsSchema.safeParse({ passwordPolicy: { requiredClasses: ['lower', 'lower', 'upper'] } })
        .success,
    ).toBe(false);
    expect(engineSettingsSchema.safeParse({ passwordPolicy: { symbols: '!€' } }).success).toBe(false);
    expect(engineSettingsSchema.safeParse({ passwordPolicy: { symbols: '!#' } }).success).toBe(true);
  });

  it('accepts expiry 0 as "never" and refuses a usage location that is not two capital letters', () => {
    expect(engineSettingsSchema.parse({ passwordPolicy: { expiryDays: 0 } }).passwordPolicy.expiryDays).toBe(
      0,
    );
    expect(engineSettingsSchema.safeParse({ defaultUsageLocation: 'us' }).success).toBe(false);
  });
});

describe('password generator (the directory policy governs Microsoft 365 — seed)', () => {
  const policies = [
    defaults.passwordPolicy,
    engineSettingsSchema.parse({
      passwordPolicy: { length: 12, requiredClasses: ['lower', 'upper', 'digit'] },
    }).passwordPolicy,
    engineSettingsSchema.parse({
      passwordPolicy: { length: 40, requiredClasses: ['upper', 'digit', 'symbol'], symbols: '#' },
    }).passwordPolicy,
  ];

  it.each(policies.map((policy) => [policy.length, policy.requiredClasses.join('+'), policy] as const))(
    'generates %i-character %s passwords that satisfy the directory policy and Entra, including its banned list',
    (_length, _classes, policy) => {
      for (let run = 0; run < 300; run += 1) {
        const password = generatePassword(policy);
        expect(password).toHaveLength(policy.length);
        expect(satisfiesDirectoryPolicy(password, policy)).toBe(true);
        expect(satisfiesEntraRules(password)).toBe(true);
        expect(
          isPasswordAcceptable(password, { givenName: 'Liam', surname: "O'Brien", tenantName: 'Contoso' }),
        ).toBe(true);
        expect(
          bannedPasswordScore(password, { givenName: null, surname: null, tenantName: 'Contoso' }),
        ).toBeGreaterThanOrEqual(5);
      }
    },
  );

  it('uses only characters of the required classes', () => {
    const policy = policies[1];
    if (!policy) throw new Error('missing policy');
    for (let run = 0; run < 100; run += 1) expect(generatePassword(policy)).toMatch(/^[A-Za-z0-9]+$/);
  });

  it('does not repeat itself (random, not seeded)', () => {
    const seen = new Set(Array.from({ length: 500 }, () => generatePassword(defaults.passwordPolicy)));
    expect(seen.size).toBe(500);
  });

  it('checks Entra rules: 8–256 characters, three classes, allowed symbols only', () => {
    expect(satisfiesEntraRules('Ab1!')).toBe(false);
    expect(satisfiesEntraRules('abcdefgh1!')).toBe(true);
    expect(satisfiesEntraRules('abcdefghij')).toBe(false);
    expect(satisfiesEntraRules('Abcdefgh1€')).toBe(false);
    expect(satisfiesEntraRules(`Ab1${'x'.repeat(ENTRA_PASSWORD_RULES.maxLength)}`)).toBe(false);
  });

  it('computes expiry from the policy, and none when expiry is 0', () => {
    const setAt = new Date('2025-01-01T00:00:00Z');
    expect(passwordExpiry(setAt, defaults.passwordPolicy)?.toISOString()).toBe('2025-04-01T00:00:00.000Z');
    expect(passwordExpiry(setAt, { ...defaults.passwordPolicy, expiryDays: 0 })).toBeNull();
  });
});
