import type { AssignedLicense, SandboxSku, SeedUser } from '../model.js';
import type { Random } from '../random.js';
import { buildSkus, SEED_SKUS, TRIAL_SEATS, type SeedSkuRole } from './skus.js';

/** IT staff try the E5 trial; a few of its 25 seats are used. */
const TRIAL_HOLDERS = 3;
const TEAMS_PLAN_ID = '57ff2da0-773e-42df-b2af-ffb7a2317929';

/** Licences need a usage location (graph-behaviour §5); mailbox-less members and guests have none here. */
export function isLicensable(user: SeedUser): boolean {
  return user.userType === 'Member' && user.usageLocation !== null && user.mail !== null;
}

function drawBaseRole(user: SeedUser, random: Random, trialHolders: number): SeedSkuRole | null {
  const draw = random.next();
  if (user.department === 'IT' && trialHolders < TRIAL_HOLDERS && draw < 0.3) return 'trial';
  if (draw < 0.7) return 'main';
  if (draw < 0.82) return 'legacy';
  if (draw < 0.92) return 'mailOnly';
  return null;
}

function licence(role: SeedSkuRole, disabledPlans: string[] = []): AssignedLicense {
  return { skuId: SEED_SKUS[role].skuId, disabledPlans };
}

/**
 * Hands out licences to licensable users (the pinned user always gets the main SKU) and sizes the SKUs from
 * the seats used: every SKU keeps free seats except the exhausted one, which is exactly full.
 */
export function assignLicences(users: SeedUser[], random: Random, pinnedIndex: number | null): SandboxSku[] {
  const consumed: Record<SeedSkuRole, number> = {
    main: 0,
    legacy: 0,
    mailOnly: 0,
    addOn: 0,
    trial: 0,
    exhausted: 0,
  };
  let firstSuiteHolder: SeedUser | null = null;
  for (const [index, user] of users.entries()) {
    if (!isLicensable(user)) continue;
    const base = index === pinnedIndex ? 'main' : drawBaseRole(user, random, consumed.trial);
    if (base === null) continue;
    const fullSuite = base !== 'mailOnly';
    // A few people have Teams switched off in their suite licence.
    const disabledPlans = fullSuite && base !== 'trial' && random.chance(0.05) ? [TEAMS_PLAN_ID] : [];
    const licences = [licence(base, disabledPlans)];
    consumed[base] += 1;
    if (fullSuite && random.chance(0.12)) {
      licences.push(licence('addOn'));
      consumed.addOn += 1;
    }
    if (fullSuite && random.chance(0.02)) {
      licences.push(licence('exhausted'));
      consumed.exhausted += 1;
    }
    if (fullSuite) firstSuiteHolder ??= user;
    user.assignedLicenses = licences;
  }
  // The exhausted SKU must hold at least one seat whenever anyone is licensed, or "exhausted" is vacuous.
  if (consumed.exhausted === 0 && firstSuiteHolder !== null) {
    firstSuiteHolder.assignedLicenses = [...firstSuiteHolder.assignedLicenses, licence('exhausted')];
    consumed.exhausted = 1;
  }
  if (consumed.trial > TRIAL_SEATS) throw new Error('seed bug: more trial holders than trial seats');
  return buildSkus(consumed);
}
