import type { SyncedPatch } from './m365.js';
import type { SyncedAttributes } from './model.js';

/**
 * Drift: where Microsoft 365 differs from what the directory says, field by field. Used by reconcile (report
 * and fix) and by bind when it takes over an existing account (push only what differs).
 */

export type SyncedField = keyof SyncedAttributes;

export const SYNCED_FIELDS: readonly SyncedField[] = [
  'displayName',
  'givenName',
  'surname',
  'jobTitle',
  'department',
  'companyName',
  'employeeId',
  'streetAddress',
  'city',
  'state',
  'postalCode',
  'country',
  'mobilePhone',
  'businessPhones',
  'usageLocation',
  'accountEnabled',
];

/**
 * For users synchronised from on-premises Active Directory only these stay writable in the cloud; Entra
 * refuses the rest ("on-premises mastered Directory Sync objects"), sign-in (accountEnabled) included.
 */
export const CLOUD_WRITABLE_FOR_SYNCED_USERS: ReadonlySet<SyncedField> = new Set<SyncedField>([
  'usageLocation',
]);

export interface FieldDrift {
  field: SyncedField;
  directory: SyncedAttributes[SyncedField];
  m365: SyncedAttributes[SyncedField];
  /** false when on-premises Active Directory masters the field: reported, never written. */
  fixable: boolean;
}

function normalised(value: SyncedAttributes[SyncedField]): string {
  if (Array.isArray(value))
    return JSON.stringify(value.map((item) => item.trim()).filter((item) => item !== ''));
  if (typeof value === 'string') return value.trim();
  if (value === null) return '';
  return String(value);
}

export interface DriftOptions {
  onPremisesSynced: boolean;
}

/**
 * Fields that differ. A directory usageLocation of null asserts nothing (the account keeps the one it has):
 * every other null in the directory means "empty", and an empty string in Microsoft 365 equals null.
 */
export function computeDrift(
  directory: SyncedAttributes,
  m365: SyncedAttributes,
  options: DriftOptions,
): FieldDrift[] {
  const drift: FieldDrift[] = [];
  for (const field of SYNCED_FIELDS) {
    if (field === 'usageLocation' && directory.usageLocation === null) continue;
    if (normalised(directory[field]) === normalised(m365[field])) continue;
    const fixable = !options.onPremisesSynced || CLOUD_WRITABLE_FOR_SYNCED_USERS.has(field);
    drift.push({ field, directory: directory[field], m365: m365[field], fixable });
  }
  return drift;
}

/** The PATCH that removes the fixable drift (the directory's values). */
export function patchFor(drift: readonly FieldDrift[]): SyncedPatch {
  const patch: Record<string, unknown> = {};
  for (const entry of drift) if (entry.fixable) patch[entry.field] = entry.directory;
  return patch;
}

/** Fields the directory would change but on-premises Active Directory masters. */
export function masteredOnPremises(drift: readonly FieldDrift[]): SyncedField[] {
  return drift.filter((entry) => !entry.fixable).map((entry) => entry.field);
}
