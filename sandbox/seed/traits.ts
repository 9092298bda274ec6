import type { Random } from '../random.js';

/** Special kinds of seeded users, as bit flags (one per user: the traits are handed out exclusively). */
export const TRAIT = { guest: 1, disabled: 2, noMail: 4, mixedCase: 8, synced: 16 } as const;

/** Share of the tenant holding each trait (brief: ~3 % guests, ~5 % disabled, ...). */
const TRAIT_SHARES: readonly (readonly [flag: number, share: number])[] = [
  [TRAIT.guest, 0.03],
  [TRAIT.disabled, 0.05],
  [TRAIT.noMail, 0.03],
  [TRAIT.mixedCase, 0.05],
  [TRAIT.synced, 0.1],
];

/** From 10 users on every trait is present at least once, so even an S tenant has a guest, a disabled user... */
export function traitCount(userCount: number, share: number): number {
  const rounded = Math.round(userCount * share);
  return userCount >= 10 ? Math.max(1, rounded) : rounded;
}

/**
 * Exact trait counts on a seeded random selection of users. `pinnedIndex` (the guaranteed O'Brien user)
 * never gets a trait, so it stays an ordinary enabled member with mail.
 */
export function planTraits(userCount: number, random: Random, pinnedIndex: number | null): Uint8Array {
  const traits = new Uint8Array(userCount);
  const candidates: number[] = [];
  for (let index = 0; index < userCount; index += 1) if (index !== pinnedIndex) candidates.push(index);
  // Partial Fisher-Yates: only the first `needed` places are drawn.
  const needed = Math.min(
    candidates.length,
    TRAIT_SHARES.reduce((sum, [, share]) => sum + traitCount(userCount, share), 0),
  );
  for (let place = 0; place < needed; place += 1) {
    const other = random.int(place, candidates.length - 1);
    const held = candidates[place] ?? 0;
    candidates[place] = candidates[other] ?? 0;
    candidates[other] = held;
  }
  let place = 0;
  for (const [flag, share] of TRAIT_SHARES) {
    const end = Math.min(needed, place + traitCount(userCount, share));
    for (; place < end; place += 1) traits[candidates[place] ?? 0] = flag;
  }
  return traits;
}
