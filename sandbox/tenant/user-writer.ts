import { randomUUID } from 'node:crypto';
import type { SandboxClock } from '../clock.js';
import { blankSeedUser } from '../blank-user.js';
import type { SandboxDomain, SandboxUser } from '../model.js';
import { proxyAddressesWithPrimary } from './addresses.js';
import { badRequest } from './failure.js';
import { MESSAGES } from './messages.js';
import { isPasswordAcceptable } from './password-policy.js';
import type { TenantStore } from './store.js';
import type { PasswordProfileInput, UserInput, WritableProperty } from './user-input.js';
import { checkUserPrincipalName, conflictFailure } from './user-rules.js';

export interface WriterContext {
  store: TenantStore;
  clock: SandboxClock;
  /** Organisation name, a banned-password term. */
  tenantName: string;
}

const REQUIRED_ON_CREATE = ['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName'] as const;

/**
 * For users with onPremisesSyncEnabled = true, only these stay writable in the cloud; everything else is
 * mastered by on-premises Active Directory (graph-behaviour §2).
 */
const CLOUD_MASTERED_FOR_SYNCED_USERS = new Set<WritableProperty>(['usageLocation', 'passwordPolicies']);

/** POST /users: validated input → a new active user, or a GraphFailure with Graph's text. */
export function createUser(context: WriterContext, input: UserInput): SandboxUser {
  for (const property of REQUIRED_ON_CREATE) {
    if (input[property] === undefined) throw badRequest(MESSAGES.requiredMissing(property));
  }
  const upn = input.userPrincipalName ?? '';
  const domain = checkUserPrincipalName(upn, context.store.domains);
  checkFederatedDomainWrite(domain, input, input.onPremisesImmutableId ?? null);
  if (domain.authenticationType === 'Managed') {
    const password = input.passwordProfile?.password;
    if (password === undefined) throw badRequest(MESSAGES.passwordRequired);
    checkPassword(
      context,
      password,
      input.passwordPolicies ?? null,
      input.givenName ?? null,
      input.surname ?? null,
    );
  }
  const mail = input.mail ?? null;
  const addresses = { userPrincipalName: upn, mail, proxyAddresses: mail === null ? [] : [`SMTP:${mail}`] };
  const conflict = context.store.conflict(addresses);
  if (conflict) throw conflictFailure(conflict);

  const now = new Date(context.clock.now()).toISOString();
  const user: SandboxUser = {
    ...emptyUser(),
    ...withoutPasswordProfile(input),
    ...addresses,
    id: randomUUID(),
    displayName: input.displayName ?? '',
    mailNickname: input.mailNickname ?? '',
    accountEnabled: input.accountEnabled ?? false,
    password: input.passwordProfile?.password ?? null,
    forceChangePasswordNextSignIn: input.passwordProfile?.forceChangePasswordNextSignIn ?? false,
    forceChangePasswordNextSignInWithMfa:
      input.passwordProfile?.forceChangePasswordNextSignInWithMfa ?? false,
    createdDateTime: now,
    lastPasswordChangeDateTime: now,
    signInSessionsValidFromDateTime: now,
  };
  context.store.add(user);
  return user;
}

/** PATCH /users/{id}: applies validated input to an active user, or throws Graph's error. */
export function updateUser(context: WriterContext, user: SandboxUser, input: UserInput): void {
  const properties = Object.keys(input) as WritableProperty[];
  // Directory-synced objects: community-reported Entra answer for writes to on-premises attributes.
  if (
    user.onPremisesSyncEnabled === true &&
    properties.some((p) => !CLOUD_MASTERED_FOR_SYNCED_USERS.has(p))
  ) {
    throw badRequest(MESSAGES.onPremisesMastered);
  }
  const upn = input.userPrincipalName ?? user.userPrincipalName;
  const domain = checkUserPrincipalName(upn, context.store.domains);
  checkFederatedDomainWrite(domain, input, input.onPremisesImmutableId ?? user.onPremisesImmutableId, user);
  const updated: SandboxUser = { ...user, ...withoutPasswordProfile(input) };
  if (input.passwordProfile) applyPasswordProfile(context, updated, input.passwordProfile);
  if (input.mail !== undefined && input.mail !== null) {
    updated.proxyAddresses = proxyAddressesWithPrimary(user.proxyAddresses, input.mail);
  }
  if (input.userPrincipalName !== undefined || input.mail !== undefined) {
    const conflict = context.store.conflict(updated, user.id);
    if (conflict) throw conflictFailure(conflict);
  }
  context.store.replace(updated);
}

/**
 * Federated (partner-managed) domains (graph-behaviour §11): users need onPremisesImmutableId and their
 * password lives at the partner's IdP, so passwordProfile can't be set. Graph's text for the missing
 * immutable id is community-sourced; reusing it for passwordProfile is the sandbox's pick [unconfirmed].
 */
function checkFederatedDomainWrite(
  domain: SandboxDomain,
  input: UserInput,
  immutableId: string | null,
  existing?: SandboxUser,
): void {
  if (domain.authenticationType !== 'Federated') return;
  const movesIntoDomain = existing === undefined || input.userPrincipalName !== undefined;
  if (movesIntoDomain && immutableId === null) throw badRequest(MESSAGES.invalidValues);
  if (input.passwordProfile !== undefined) throw badRequest(MESSAGES.invalidValues);
}

function applyPasswordProfile(
  context: WriterContext,
  user: SandboxUser,
  profile: PasswordProfileInput,
): void {
  if (profile.password !== undefined) {
    checkPassword(context, profile.password, user.passwordPolicies, user.givenName, user.surname);
    user.password = profile.password;
    user.lastPasswordChangeDateTime = new Date(context.clock.now()).toISOString();
  }
  if (profile.forceChangePasswordNextSignIn !== undefined) {
    user.forceChangePasswordNextSignIn = profile.forceChangePasswordNextSignIn;
  }
  if (profile.forceChangePasswordNextSignInWithMfa !== undefined) {
    user.forceChangePasswordNextSignInWithMfa = profile.forceChangePasswordNextSignInWithMfa;
  }
}

/** DisableStrongPassword relaxes the character-class rule only; length and the banned list still apply. */
function checkPassword(
  context: WriterContext,
  password: string,
  policies: string | null,
  givenName: string | null,
  surname: string | null,
): void {
  const relaxed = policies?.includes('DisableStrongPassword') ?? false;
  const names = { givenName, surname, tenantName: context.tenantName };
  if (!isPasswordAcceptable(password, names, !relaxed)) throw badRequest(MESSAGES.weakPassword);
}

function withoutPasswordProfile(input: UserInput): Omit<UserInput, 'passwordProfile'> {
  const { passwordProfile: _ignored, ...rest } = input;
  return rest;
}

function emptyUser(): Omit<SandboxUser, 'id' | 'createdDateTime'> {
  // The request body decides accountEnabled (required on create); the rest starts empty.
  return {
    ...blankSeedUser(),
    accountEnabled: false,
    lastPasswordChangeDateTime: null,
    signInSessionsValidFromDateTime: null,
    deletedDateTime: null,
  };
}
