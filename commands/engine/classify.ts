import { z } from 'zod';
import type { M365User } from './m365.js';
import { emailKey, importEmail, isGuest } from './mapping.js';
import type { DirectoryUser } from './model.js';

/**
 * Import-preview classification. Unlike the seed's import screen (which lists already-imported users too),
 * each Microsoft 365 user gets one status and the preview filters on it.
 */

export const PREVIEW_STATUSES = ['new', 'already-imported', 'conflict', 'skipped'] as const;
export type PreviewStatus = (typeof PREVIEW_STATUSES)[number];

export interface PreviewRow {
  m365Id: string;
  /** The address the directory would use (mail, else userPrincipalName); null when none is usable. */
  email: string | null;
  userPrincipalName: string;
  displayName: string;
  department: string | null;
  jobTitle: string | null;
  accountEnabled: boolean;
  status: PreviewStatus;
  /** Why a user is skipped or in conflict, in plain language. */
  reason: string | null;
  /** Synchronised from on-premises Active Directory: the bot will never write what on-premises masters. */
  onPremisesSynced: boolean;
}

export interface DirectoryMatch {
  /** The directory user holding this email, if any (only whom it was imported from matters). */
  user: Pick<DirectoryUser, 'importedFromM365Id'> | undefined;
  /** The directory user bound to this Microsoft 365 object, if any. */
  boundUserId: string | undefined;
}

function statusOf(
  user: M365User,
  email: string | null,
  match: DirectoryMatch,
): [PreviewStatus, string | null] {
  if (isGuest(user)) return ['skipped', 'guest account (invited from another organisation)'];
  if (email === null) return ['skipped', 'no usable email address'];
  if (match.boundUserId !== undefined) return ['already-imported', null];
  if (match.user === undefined) return ['new', null];
  if (match.user.importedFromM365Id === user.id) return ['already-imported', null];
  return ['conflict', `${email} already exists in the directory and is not linked to this account`];
}

export function classify(user: M365User, match: DirectoryMatch): PreviewRow {
  const email = importEmail(user);
  const [status, reason] = statusOf(user, email, match);
  return {
    m365Id: user.id,
    email,
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    department: user.department,
    jobTitle: user.jobTitle,
    accountEnabled: user.accountEnabled,
    status,
    reason,
    onPremisesSynced: user.onPremisesSyncEnabled,
  };
}

export const importPreviewFilterSchema = z.object({
  /** Default: everything except already-imported users; 'all' includes them. */
  status: z.enum(['new', 'conflicts', 'already-imported', 'skipped', 'all']).optional(),
  /** Email domain, e.g. 'contoso.com'. */
  domain: z.string().trim().min(1).optional(),
  department: z.string().trim().min(1).optional(),
  /** Case-insensitive substring of the display name or the email. */
  text: z.string().trim().min(1).optional(),
});
export type ImportPreviewFilter = z.input<typeof importPreviewFilterSchema>;
type ParsedFilter = z.output<typeof importPreviewFilterSchema>;

function statusMatches(status: PreviewStatus, wanted: ParsedFilter['status']): boolean {
  switch (wanted) {
    case undefined:
      return status !== 'already-imported';
    case 'all':
      return true;
    case 'conflicts':
      return status === 'conflict';
    default:
      return status === wanted;
  }
}

function domainOf(address: string): string {
  return emailKey(address.slice(address.lastIndexOf('@') + 1));
}

/** The status filter is applied separately (counts are kept for every status). */
export function matchesAttributes(row: PreviewRow, filter: ParsedFilter): boolean {
  const addresses = [row.email, row.userPrincipalName].filter(
    (address): address is string => address !== null,
  );
  if (filter.domain !== undefined) {
    const domain = emailKey(filter.domain).replace(/^@/, '');
    if (!addresses.some((address) => domainOf(address) === domain)) return false;
  }
  if (filter.department !== undefined && emailKey(row.department ?? '') !== emailKey(filter.department))
    return false;
  if (filter.text !== undefined) {
    const needle = filter.text.toLowerCase();
    const haystack = [row.displayName, ...addresses].map((value) => value.toLowerCase());
    if (!haystack.some((value) => value.includes(needle))) return false;
  }
  return true;
}

export function matchesStatus(row: PreviewRow, filter: ParsedFilter): boolean {
  return statusMatches(row.status, filter.status);
}
