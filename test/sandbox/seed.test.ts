import { describe, it, expect } from '@jest/globals';
import type { SeedUser } from '../../sandbox/model.js';
import {
  generateTenant,
  OBRIEN_LOCAL_PART,
  type GenerateTenantOptions,
} from '../../sandbox/seed/generator.js';
import {
  caseInsensitiveDuplicates,
  consumedUnits,
  lengthProblems,
  skuByPartNumber,
  upnProblem,
} from './seed-invariants.js';

const DOMAINS = ['contoso.com', 'contoso.co.uk'];
const INITIAL_DOMAIN = 'contoso.onmicrosoft.com';
const tenant = (size: GenerateTenantOptions['size'], seed = 1, domains = DOMAINS) =>
  generateTenant({ size, seed, domains, initialDomain: INITIAL_DOMAIN });

const SIZES: GenerateTenantOptions['size'][] = ['S', 'M', 'L', 'demo', 10, 137];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('generateTenant determinism', () => {
  it('gives byte-identical users and SKUs, ids included, for the same seed', () => {
    for (const size of ['M', 'demo'] as const) {
      expect(JSON.stringify(tenant(size, 42))).toBe(JSON.stringify(tenant(size, 42)));
    }
  });

  it('gives different users and ids for a different seed', () => {
    const first = tenant('M', 1);
    const second = tenant('M', 2);
    expect(first.users.map((user) => user.userPrincipalName)).not.toEqual(
      second.users.map((user) => user.userPrincipalName),
    );
    expect(first.users[0]?.id).not.toBe(second.users[0]?.id);
  });

  it('gives every user a unique lower-case uuid', () => {
    const { users } = tenant('L');
    expect(users.filter((user) => !UUID.test(user.id ?? ''))).toEqual([]);
    expect(new Set(users.map((user) => user.id)).size).toBe(users.length);
  });
});

describe('generateTenant sizes', () => {
  it.each([
    ['S', 25],
    ['M', 300],
    ['L', 2000],
    [0, 0],
    [10, 10],
    [1234, 1234],
  ] as const)('size %s has %i users', (size, count) => {
    expect(tenant(size).users).toHaveLength(count);
  });

  it("makes 'demo' a small fixed company of 25 to 40 people", () => {
    const { users } = tenant('demo');
    expect(users.length).toBeGreaterThanOrEqual(25);
    expect(users.length).toBeLessThanOrEqual(40);
    expect(tenant('demo', 7).users.map((user) => user.displayName)).toEqual(
      users.map((user) => user.displayName),
    );
  });

  it('rejects sizes outside 0..100,000', () => {
    expect(() => tenant(-1)).toThrow();
    expect(() => tenant(100_001)).toThrow();
    expect(() => tenant(2.5)).toThrow();
  });
});

describe('generateTenant addresses follow Graph rules', () => {
  it.each(SIZES)('size %s: every UPN is valid and on a verified domain', (size) => {
    const { users } = tenant(size);
    const verified = new Set([...DOMAINS, INITIAL_DOMAIN]);
    const problems = users
      .map((user) => ({ upn: user.userPrincipalName, problem: upnProblem(user.userPrincipalName) }))
      .filter(
        ({ upn, problem }) =>
          problem !== null || !verified.has(upn.slice(upn.lastIndexOf('@') + 1).toLowerCase()),
      );
    expect(problems).toEqual([]);
  });

  it.each(SIZES)('size %s: UPNs, mail and proxy addresses are unique case-insensitively', (size) => {
    const { users } = tenant(size);
    expect(caseInsensitiveDuplicates(users.map((user) => user.userPrincipalName))).toEqual([]);
    expect(
      caseInsensitiveDuplicates(users.flatMap((user) => (user.mail === null ? [] : [user.mail]))),
    ).toEqual([]);
    const proxies = users.flatMap((user) =>
      user.proxyAddresses.map((proxy) => proxy.slice(proxy.indexOf(':') + 1)),
    );
    expect(caseInsensitiveDuplicates(proxies)).toEqual([]);
  });

  it.each(SIZES)('size %s: proxyAddresses hold the mail as the one SMTP: primary', (size) => {
    const inconsistent = tenant(size).users.filter((user: SeedUser) => {
      const primaries = user.proxyAddresses.filter((proxy) => proxy.startsWith('SMTP:'));
      if (user.mail === null) return user.proxyAddresses.length > 0;
      return primaries.length !== 1 || primaries[0] !== `SMTP:${user.mail}`;
    });
    expect(inconsistent).toEqual([]);
  });

  it.each(SIZES)('size %s: fields stay within Graph maximum lengths', (size) => {
    const problems = tenant(size).users.flatMap((user) =>
      lengthProblems(user).map((problem) => `${user.userPrincipalName}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });

  it('keeps UPNs and mail unique in a 100,000-user tenant', () => {
    const { users } = tenant(100_000, 3);
    expect(users).toHaveLength(100_000);
    expect(caseInsensitiveDuplicates(users.map((user) => user.userPrincipalName))).toEqual([]);
    expect(
      caseInsensitiveDuplicates(users.flatMap((user) => (user.mail === null ? [] : [user.mail]))),
    ).toEqual([]);
    expect(users.filter((user) => upnProblem(user.userPrincipalName) !== null)).toEqual([]);
  });
});

describe('generateTenant realism', () => {
  it('uses names with apostrophes and non-ASCII letters, transliterated in addresses', () => {
    const { users } = tenant('L');
    expect(users.some((user) => /[^\x20-\x7e]/.test(user.displayName))).toBe(true);
    expect(users.some((user) => user.surname?.startsWith("D'") === true)).toBe(true);
    const muellers = users.filter((user) => user.surname === 'Müller' && user.userType === 'Member');
    expect(muellers.length).toBeGreaterThan(0);
    expect(muellers.every((user) => user.userPrincipalName.toLowerCase().includes('mueller'))).toBe(true);
  });

  it.each(['S', 'M', 10] as const)(
    'size %s has guests, disabled, mail-less, mixed-case and synced users',
    (size) => {
      const { users } = tenant(size);
      expect(users.some((user) => user.userType === 'Guest')).toBe(true);
      expect(users.some((user) => !user.accountEnabled)).toBe(true);
      expect(users.some((user) => user.mail === null)).toBe(true);
      expect(users.some((user) => user.mail !== null && user.mail !== user.mail.toLowerCase())).toBe(true);
      expect(users.some((user) => user.onPremisesSyncEnabled === true)).toBe(true);
    },
  );

  it('has roughly the documented shares of special users in a large tenant', () => {
    const { users } = tenant(10_000);
    const share = (predicate: (user: SeedUser) => boolean) => users.filter(predicate).length / users.length;
    expect(share((user) => user.userType === 'Guest')).toBeCloseTo(0.03, 2);
    expect(share((user) => !user.accountEnabled)).toBeCloseTo(0.05, 2);
    expect(share((user) => user.mail === null)).toBeCloseTo(0.03, 2);
    expect(share((user) => user.onPremisesSyncEnabled === true)).toBeCloseTo(0.1, 2);
    expect(share((user) => user.usageLocation === null)).toBeGreaterThan(0);
    expect(share((user) => user.businessPhones.length === 0)).toBeGreaterThan(0);
  });

  it('shapes guests as invited B2B users', () => {
    const guests = tenant('L').users.filter((user) => user.userType === 'Guest');
    expect(guests.length).toBeGreaterThan(0);
    for (const guest of guests) {
      const match = /^(.+)_([^_]+)#EXT#@(.+)$/.exec(guest.userPrincipalName);
      expect(match?.[3]).toBe(INITIAL_DOMAIN);
      expect(guest.mail).toBe(`${match?.[1] ?? ''}@${match?.[2] ?? ''}`);
      expect(DOMAINS).not.toContain(match?.[2]);
      expect(guest.assignedLicenses).toEqual([]);
      expect(guest.onPremisesSyncEnabled).toBeNull();
    }
  });

  it.each(['demo', 'M'] as const)('size %s never invites guests from a domain the tenant owns', (size) => {
    const owned = ['fabrikam.com', 'northwindtraders.com', 'contoso.com'];
    const { users } = tenant(size, 1, owned);
    const guestDomains = users
      .filter((user) => user.userType === 'Guest')
      .map((user) => user.mail?.slice(user.mail.indexOf('@') + 1));
    expect(guestDomains.length).toBeGreaterThan(0);
    expect(guestDomains.filter((domain) => owned.includes(domain ?? ''))).toEqual([]);
  });

  it('gives synced users a base64 immutable id and cloud users none', () => {
    const { users } = tenant('M');
    for (const user of users) {
      if (user.onPremisesSyncEnabled === true)
        expect(user.onPremisesImmutableId).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      else expect(user.onPremisesImmutableId).toBeNull();
    }
  });

  it('puts some users on the second verified domain', () => {
    const { users } = tenant('M');
    expect(users.some((user) => user.userPrincipalName.endsWith('@contoso.co.uk'))).toBe(true);
  });
});

describe("the guaranteed O'Brien user", () => {
  it.each([...SIZES, 25, 1])(
    'exists in size %s as an enabled, licensed member with an apostrophe address',
    (size) => {
      for (const seed of [1, 2, 3]) {
        const { users } = tenant(size, seed);
        const obrien = users.find(
          (user) =>
            user.surname === "O'Brien" && user.userPrincipalName === `${OBRIEN_LOCAL_PART}@contoso.com`,
        );
        expect(obrien).toMatchObject({
          mail: `${OBRIEN_LOCAL_PART}@contoso.com`,
          accountEnabled: true,
          userType: 'Member',
        });
        expect(obrien?.assignedLicenses.length).toBeGreaterThan(0);
      }
    },
  );
});

describe('generateTenant licences', () => {
  it.each([...SIZES, 0])(
    'size %s: seats used never exceed seats bought; the exhausted SKU is exactly full',
    (size) => {
      const { users, skus } = tenant(size);
      const exhausted = skus.filter((sku) => consumedUnits(users, sku) === sku.enabledUnits);
      expect(exhausted.map((sku) => sku.skuPartNumber)).toEqual(['VISIOCLIENT']);
      for (const sku of skus) expect(consumedUnits(users, sku)).toBeLessThanOrEqual(sku.enabledUnits);
      if (users.length > 0)
        expect(consumedUnits(users, skuByPartNumber(skus, 'VISIOCLIENT'))).toBeGreaterThan(0);
    },
  );

  it.each(SIZES)(
    'size %s: licences reference real SKUs and plans and go only to users with a usage location',
    (size) => {
      const { users, skus } = tenant(size);
      const bySkuId = new Map(skus.map((sku) => [sku.skuId, sku]));
      for (const user of users.filter((candidate) => candidate.assignedLicenses.length > 0)) {
        expect(user.usageLocation).not.toBeNull();
        for (const assigned of user.assignedLicenses) {
          const planIds = bySkuId.get(assigned.skuId)?.servicePlans.map((plan) => plan.servicePlanId) ?? [];
          expect(planIds.length).toBeGreaterThan(0);
          for (const disabledPlan of assigned.disabledPlans) expect(planIds).toContain(disabledPlan);
        }
      }
    },
  );

  it('offers the common SKUs and a small trial with free seats', () => {
    const { users, skus } = tenant('M');
    const partNumbers = skus.map((sku) => sku.skuPartNumber);
    expect(partNumbers).toEqual(expect.arrayContaining(['SPE_E3', 'ENTERPRISEPACK', 'EXCHANGESTANDARD']));
    const trial = skuByPartNumber(skus, 'SPE_E5');
    expect(trial.enabledUnits).toBeLessThanOrEqual(25);
    expect(consumedUnits(users, trial)).toBeLessThan(trial.enabledUnits);
  });
});
