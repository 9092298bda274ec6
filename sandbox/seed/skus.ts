/**
 * The subscriptions of a seeded tenant. Part numbers and GUIDs are Microsoft's published ones ("Product names
 * and service plan identifiers for licensing"), so output looks like a real tenant's /subscribedSkus.
 */
import type { SandboxSku } from '../model.js';

const PLAN = {
  EXCHANGE_S_ENTERPRISE: 'efb87545-963c-4e0d-99df-69c6916d9eb0',
  EXCHANGE_S_STANDARD: '9aaf7827-d63c-4b61-89c3-182f06f82e5c',
  SHAREPOINTENTERPRISE: '5dbe027f-2339-4123-9542-606e4d348a72',
  OFFICESUBSCRIPTION: '43de0ff5-c92c-492b-9116-175376d08c38',
  TEAMS1: '57ff2da0-773e-42df-b2af-ffb7a2317929',
  BI_AZURE_P2: '70d33638-9c74-4d01-bfd3-562de28bd4ba',
  VISIO_CLIENT_SUBSCRIPTION: '663a804f-1c30-4ff0-9915-9db84f0d1cea',
  VISIOONLINE: '2bdbaf8f-738f-4ac7-9234-3c3ee2ce7d0f',
} as const;

type PlanName = keyof typeof PLAN;
const plans = (...names: PlanName[]): SandboxSku['servicePlans'] =>
  names.map((servicePlanName) => ({ servicePlanId: PLAN[servicePlanName], servicePlanName }));

/** Seeded SKUs by role. `enabledUnits` here is a placeholder: the seed sets it from the seats it hands out. */
export const SEED_SKUS = {
  /** Microsoft 365 E3: the main licence. */
  main: {
    skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965',
    skuPartNumber: 'SPE_E3',
    plans: plans('EXCHANGE_S_ENTERPRISE', 'SHAREPOINTENTERPRISE', 'OFFICESUBSCRIPTION', 'TEAMS1'),
  },
  /** Office 365 E3: older contracts. */
  legacy: {
    skuId: '6fd2c87f-b296-42f0-b197-1e91e994b900',
    skuPartNumber: 'ENTERPRISEPACK',
    plans: plans('EXCHANGE_S_ENTERPRISE', 'SHAREPOINTENTERPRISE', 'OFFICESUBSCRIPTION', 'TEAMS1'),
  },
  /** Exchange Online (Plan 1): mailbox-only workers. */
  mailOnly: {
    skuId: '4b9405b0-7788-4568-add1-99614e613b69',
    skuPartNumber: 'EXCHANGESTANDARD',
    plans: plans('EXCHANGE_S_STANDARD'),
  },
  /** Power BI Pro: an add-on. */
  addOn: {
    skuId: 'f8a1db68-be16-40ed-86d5-cb42ce701560',
    skuPartNumber: 'POWER_BI_PRO',
    plans: plans('BI_AZURE_P2'),
  },
  /** Microsoft 365 E5 trial: 25 seats, a handful used by IT. */
  trial: {
    skuId: '06ebc4ee-1bb5-47dd-8120-11324bc54e06',
    skuPartNumber: 'SPE_E5',
    plans: plans(
      'EXCHANGE_S_ENTERPRISE',
      'SHAREPOINTENTERPRISE',
      'OFFICESUBSCRIPTION',
      'TEAMS1',
      'BI_AZURE_P2',
    ),
  },
  /** Visio Plan 2: every seat taken, for the "does not have any available licenses" error. */
  exhausted: {
    skuId: 'c5928f49-12ba-48f7-ada3-0d743a3601d5',
    skuPartNumber: 'VISIOCLIENT',
    plans: plans('VISIO_CLIENT_SUBSCRIPTION', 'VISIOONLINE'),
  },
} as const;

export type SeedSkuRole = keyof typeof SEED_SKUS;

export const TRIAL_SEATS = 25;

/** Free seats left on a (non-exhausted) paid SKU: a purchasing buffer of 5 %, at least 5. */
export function freeSeatsFor(consumed: number): number {
  return Math.max(5, Math.ceil(consumed * 0.05));
}

/** Seat counts per role → the SandboxSku list (main, legacy, mailOnly, addOn, trial, exhausted order). */
export function buildSkus(consumed: Readonly<Record<SeedSkuRole, number>>): SandboxSku[] {
  const enabled: Record<SeedSkuRole, number> = {
    main: consumed.main + freeSeatsFor(consumed.main),
    legacy: consumed.legacy + freeSeatsFor(consumed.legacy),
    mailOnly: consumed.mailOnly + freeSeatsFor(consumed.mailOnly),
    addOn: consumed.addOn + freeSeatsFor(consumed.addOn),
    trial: Math.max(TRIAL_SEATS, consumed.trial + 1),
    exhausted: consumed.exhausted,
  };
  return (Object.keys(SEED_SKUS) as SeedSkuRole[]).map((role) => ({
    skuId: SEED_SKUS[role].skuId,
    skuPartNumber: SEED_SKUS[role].skuPartNumber,
    enabledUnits: enabled[role],
    capabilityStatus: 'Enabled',
    servicePlans: SEED_SKUS[role].plans.map((plan) => ({ ...plan })),
  }));
}
