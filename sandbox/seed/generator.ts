/**
 * Deterministic tenant seeding: the same options give byte-identical users and SKUs, ids included.
 *
 * Guarantees other code and tests may rely on:
 * - User counts: S = 25, M = 300, L = 2,000, a number = exactly that many (0 = empty tenant); 'demo' = the
 *   hand-written 30-person company of demo.ts.
 * - Every tenant with at least one user contains the member "Liam O'Brien", enabled, licensed (SPE_E3),
 *   with userPrincipalName and mail `liam.o'brien@<first domain>` ({@link OBRIEN_LOCAL_PART}), for tests of
 *   OData quote escaping. Generated tenants put him first; the demo tenant has him too.
 * - From 10 users on, at least one guest, one disabled user, one user without mail, one mixed-case mail
 *   and one on-premises-synced user (about 3 / 5 / 3 / 5 / 10 % of the tenant).
 * - UPNs use Graph's character set and limits; UPNs, mail and proxyAddresses are unique case-insensitively.
 * - Seats: every SKU has free seats except VISIOCLIENT, which is exactly full (seats-exhausted error) and
 *   holds at least one seat whenever anybody is licensed; SPE_E5 is a 25-seat trial.
 */
import { z } from 'zod';
import type { SandboxSku, SeedUser } from '../model.js';
import { createRandom, type Random } from '../random.js';
import { createSeedContext, nameOf } from './context.js';
import { DEMO_USER_COUNT, generateDemoTenant } from './demo.js';
import { buildGuest } from './guests.js';
import { seededUuid } from './ids.js';
import { assignLicences } from './licences.js';
import { buildMember } from './members.js';
import { brandFromDomain } from './org.js';
import { planTraits, TRAIT } from './traits.js';

export const PRESET_USER_COUNTS = { S: 25, M: 300, L: 2_000 } as const;
export const MAX_SEED_USERS = 100_000;

/** The guaranteed apostrophe user: `liam.o'brien@<first domain>`. */
export const OBRIEN_LOCAL_PART = "liam.o'brien";
export const OBRIEN_DISPLAY_NAME = "Liam O'Brien";
const OBRIEN_INDEX = 0;

export const generateTenantOptionsSchema = z.object({
  size: z.union([z.enum(['S', 'M', 'L', 'demo']), z.number().int().min(0).max(MAX_SEED_USERS)]),
  seed: z.number().int(),
  domains: z.array(z.string().min(3)).min(1),
  initialDomain: z.string().min(3),
});
export type GenerateTenantOptions = z.input<typeof generateTenantOptionsSchema>;

export interface SeededTenant {
  users: SeedUser[];
  skus: SandboxSku[];
}

export function userCountFor(size: GenerateTenantOptions['size']): number {
  if (typeof size === 'number') return size;
  return size === 'demo' ? DEMO_USER_COUNT : PRESET_USER_COUNTS[size];
}

/** A second, independent stream for ids, so a user keeps its id when other generated fields change. */
function idStream(seed: number): Random {
  return createRandom(Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d));
}

export function generateTenant(input: GenerateTenantOptions): SeededTenant {
  const options = generateTenantOptionsSchema.parse(input);
  const defaultDomain = (options.domains[0] ?? options.initialDomain).toLowerCase();
  if (options.size === 'demo') {
    return generateDemoTenant({
      seed: options.seed,
      domain: defaultDomain,
      domains: options.domains.map((domain) => domain.toLowerCase()),
      initialDomain: options.initialDomain.toLowerCase(),
    });
  }
  const count = userCountFor(options.size);
  const random = createRandom(options.seed);
  const context = createSeedContext(
    random,
    options.domains,
    options.initialDomain,
    brandFromDomain(defaultDomain),
  );
  const pinnedIndex = count > 0 ? OBRIEN_INDEX : null;
  const traits = planTraits(count, random, pinnedIndex);
  const obrien = nameOf(context, 'Liam', "O'Brien");
  const users: SeedUser[] = new Array<SeedUser>(count);
  for (let index = 0; index < count; index += 1) {
    const userTraits = traits[index] ?? 0;
    if ((userTraits & TRAIT.guest) !== 0) users[index] = buildGuest(context);
    else users[index] = buildMember(context, index, userTraits, index === pinnedIndex ? obrien : undefined);
  }
  const ids = idStream(options.seed);
  const seen = new Set<string>();
  for (const user of users) {
    let id = seededUuid(ids);
    while (seen.has(id)) id = seededUuid(ids);
    seen.add(id);
    user.id = id;
  }
  const skus = assignLicences(users, random, pinnedIndex);
  return { users, skus };
}
