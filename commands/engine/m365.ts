import { z } from 'zod';
import { SYNCED_FIELDS } from './drift.js';
import type { SyncedAttributes } from './model.js';

/**
 * Microsoft 365 users as the engine sees them: the Graph properties the product relies on, parsed with zod at
 * the gateway (the Graph response boundary). Graph property names are kept so mapping stays obvious.
 */
export const M365_USER_PROPERTIES = [
  'id',
  'userPrincipalName',
  'mail',
  // The attributes the directory masters (drift compares exactly these), then what bind and reconcile read.
  ...SYNCED_FIELDS,
  'userType',
  'onPremisesSyncEnabled',
  'proxyAddresses',
  'assignedLicenses',
] as const;

const nullableString = z
  .string()
  .nullable()
  .optional()
  .transform((value) => value ?? null);

export const m365UserSchema = z.object({
  id: z.string().min(1),
  userPrincipalName: z.string().min(1),
  mail: nullableString,
  displayName: z
    .string()
    .nullable()
    .optional()
    .transform((value) => value ?? ''),
  givenName: nullableString,
  surname: nullableString,
  jobTitle: nullableString,
  department: nullableString,
  companyName: nullableString,
  employeeId: nullableString,
  streetAddress: nullableString,
  city: nullableString,
  state: nullableString,
  postalCode: nullableString,
  country: nullableString,
  mobilePhone: nullableString,
  businessPhones: z
    .array(z.string())
    .nullable()
    .optional()
    .transform((value) => value ?? []),
  usageLocation: nullableString,
  accountEnabled: z
    .boolean()
    .nullable()
    .optional()
    .transform((value) => value ?? true),
  userType: z
    .string()
    .nullable()
    .optional()
    .transform((value) => value ?? 'Member'),
  onPremisesSyncEnabled: z
    .boolean()
    .nullable()
    .optional()
    .transform((value) => value ?? false),
  proxyAddresses: z
    .array(z.string())
    .nullable()
    .optional()
    .transform((value) => value ?? []),
  assignedLicenses: z
    .array(z.object({ skuId: z.string() }).loose())
    .nullable()
    .optional()
    .transform((value) => value ?? []),
});
export type M365User = z.output<typeof m365UserSchema>;

export const subscribedSkuSchema = z.object({
  skuId: z.string(),
  skuPartNumber: z.string(),
  capabilityStatus: z.string(),
  consumedUnits: z.number(),
  prepaidUnits: z.object({ enabled: z.number() }).loose(),
});
export type SubscribedSku = z.output<typeof subscribedSkuSchema>;

export interface TenantInfo {
  tenantId: string;
  displayName: string;
  domains: { name: string; federated: boolean; isDefault: boolean; isInitial: boolean; verified: boolean }[];
}

/** What bind sends to create an account. */
export interface NewM365User {
  userPrincipalName: string;
  mail: string;
  mailNickname: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  jobTitle: string | null;
  department: string | null;
  companyName: string | null;
  employeeId: string | null;
  streetAddress: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
  mobilePhone: string | null;
  businessPhones: string[];
  usageLocation: string | null;
  accountEnabled: boolean;
  password: string;
  forceChangePasswordNextSignIn: boolean;
}

/** A PATCH of the attributes the directory masters (Graph property names). */
export type SyncedPatch = Partial<SyncedAttributes>;
