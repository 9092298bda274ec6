import type { SandboxUser, SeedUser } from '../model.js';
import { createRandom } from '../random.js';
import type { Random } from '../random.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A random (v4-shaped) GUID drawn from the seeded PRNG, so seeded tenants get the same ids every run. */
export function seededGuid(random: Random): string {
  const hex = Array.from({ length: 32 }, () => random.int(0, 15).toString(16));
  hex[12] = '4';
  hex[16] = ((random.int(0, 3) | 8) >>> 0).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/**
 * Seed users → directory records. The generator may give ids; missing ones come from the seed. Creation times
 * are spread over the year before `now` so `createdDateTime` filters and sorting see varied values.
 */
export function seedToUsers(seedUsers: readonly SeedUser[], seed: number, now: number): SandboxUser[] {
  const random = createRandom(seed ^ 0x5eed);
  return seedUsers.map((seedUser, index) => {
    const created = new Date(
      now - 365 * DAY_MS + Math.floor((index * 365 * DAY_MS) / (seedUsers.length + 1)),
    );
    const createdIso = created.toISOString();
    return {
      ...seedUser,
      id: (seedUser.id ?? seededGuid(random)).toLowerCase(),
      createdDateTime: createdIso,
      lastPasswordChangeDateTime: createdIso,
      signInSessionsValidFromDateTime: createdIso,
      deletedDateTime: null,
    };
  });
}
