/** Independent checks of seeded tenants against Graph's rules (graph-behaviour §2 and §5), shared by the seed tests. */
import type { SandboxSku, SeedUser } from '../../sandbox/model.js';

/** UPN rules: A-Z a-z 0-9 ' . - _ ! # ^ ~ before '@', no '.' right before '@', ≤64 / ≤48 / ≤113 characters. */
export function upnProblem(upn: string): string | null {
  const at = upn.lastIndexOf('@');
  const local = upn.slice(0, at);
  const domain = upn.slice(at + 1);
  if (at <= 0 || upn.indexOf('@') !== at) return 'needs exactly one @';
  if (!/^[A-Za-z0-9'.\-_!#^~]+$/.test(local)) return 'character outside the UPN set';
  if (local.endsWith('.')) return "'.' right before '@'";
  if (local.startsWith('.') || local.includes('..')) return 'empty dot segment';
  if (local.length > 64) return 'local part over 64';
  if (domain.length > 48) return 'domain over 48';
  if (upn.length > 113) return 'over 113';
  return null;
}

/** Graph's documented maximum lengths of the mapped string properties. */
export const MAX_LENGTHS: Partial<Record<keyof SeedUser, number>> = {
  givenName: 64,
  surname: 64,
  displayName: 256,
  jobTitle: 128,
  department: 64,
  companyName: 64,
  streetAddress: 1024,
  city: 128,
  state: 128,
  postalCode: 40,
  country: 128,
  mobilePhone: 64,
  employeeId: 16,
  mailNickname: 64,
};

export function lengthProblems(user: SeedUser): string[] {
  const problems: string[] = [];
  for (const [field, max] of Object.entries(MAX_LENGTHS)) {
    const value: unknown = user[field as keyof SeedUser];
    if (typeof value === 'string' && value.length > max)
      problems.push(`${field} is ${value.length} > ${max}`);
  }
  if (user.businessPhones.length > 1) problems.push('more than one businessPhones entry');
  if (user.usageLocation !== null && !/^[A-Z]{2}$/.test(user.usageLocation))
    problems.push('usageLocation not ISO alpha-2');
  return problems;
}

/** Values that appear more than once, compared case-insensitively. */
export function caseInsensitiveDuplicates(values: Iterable<string>): string[] {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const value of values) {
    const key = value.toLowerCase();
    if (seen.has(key)) duplicates.push(value);
    seen.add(key);
  }
  return duplicates;
}

export function skuByPartNumber(skus: readonly SandboxSku[], partNumber: string): SandboxSku {
  const sku = skus.find((candidate) => candidate.skuPartNumber === partNumber);
  if (sku === undefined) throw new Error(`no SKU ${partNumber} in the seeded tenant`);
  return sku;
}

export function consumedUnits(users: readonly SeedUser[], sku: SandboxSku): number {
  return users.filter((user) => user.assignedLicenses.some((assigned) => assigned.skuId === sku.skuId))
    .length;
}
