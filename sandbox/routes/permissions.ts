import type { GraphPermission } from '../options.js';
import { GraphFailure } from '../tenant/failure.js';
import { MESSAGES } from '../tenant/messages.js';

/** A requirement: any one of the alternatives, each a set of permissions that must all be granted. */
export type Requirement = readonly (readonly GraphPermission[])[];

const anyOf = (...permissions: GraphPermission[]): Requirement =>
  permissions.map((permission) => [permission]);

const WRITE_USERS: GraphPermission[] = ['User.ReadWrite.All', 'Directory.ReadWrite.All'];

/** Application permissions per operation (graph-behaviour §10): least privileged first. */
export const REQUIREMENTS = {
  readUsers: anyOf('User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'),
  writeUsers: anyOf(...WRITE_USERS),
  enableDisableAccount: [
    ['User.EnableDisableAccount.All', 'User.Read.All'],
    ['User.EnableDisableAccount.All', 'Directory.Read.All'],
    ...anyOf(...WRITE_USERS),
  ] as Requirement,
  setPassword: anyOf('User-PasswordProfile.ReadWrite.All', ...WRITE_USERS),
  revokeSessions: anyOf('User.RevokeSessions.All', ...WRITE_USERS),
  deleteRestore: anyOf('User.DeleteRestore.All', ...WRITE_USERS),
  readOrganization: anyOf('Organization.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All'),
  readDomains: anyOf('Domain.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All'),
  assignLicense: anyOf('LicenseAssignment.ReadWrite.All', ...WRITE_USERS),
  sendMail: anyOf('Mail.Send'),
} satisfies Record<string, Requirement>;

export function isSatisfied(roles: ReadonlySet<string>, requirement: Requirement): boolean {
  return requirement.some((alternative) => alternative.every((permission) => roles.has(permission)));
}

export function forbidden(): GraphFailure {
  return new GraphFailure(403, 'Authorization_RequestDenied', MESSAGES.insufficientPrivileges);
}

export function requirePermission(roles: ReadonlySet<string>, requirement: Requirement): void {
  if (!isSatisfied(roles, requirement)) throw forbidden();
}
