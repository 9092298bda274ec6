import { z } from 'zod';
import type { M365User, NewM365User } from './m365.js';
import type {
  BindingState,
  DirectoryUser,
  NewDirectoryUser,
  SyncedAttributes,
  WorkAddress,
} from './model.js';

/**
 * Attribute mapping between Microsoft 365 and the directory, both ways.
 *
 * Import follows the seed's table: givenName, surname, displayName, mail (else userPrincipalName) → email,
 * jobTitle, department, companyName when present, streetAddress / city / state / postalCode / country → the
 * one "work" address (city → locality, state → region), mobilePhone → a "mobile" number, the first of
 * businessPhones → a "work" number. Avatars are never imported. employeeId and usageLocation are imported as
 * well, so that binding an imported user pushes back exactly what Microsoft 365 already holds.
 */

const emailSchema = z.email();

/** Lower-cased, trimmed: the key under which the directory keeps emails unique. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

export function isUsableEmail(address: string | null): address is string {
  return address !== null && emailSchema.safeParse(address).success;
}

export function isGuest(user: M365User): boolean {
  return user.userType.toLowerCase() === 'guest' || user.userPrincipalName.toUpperCase().includes('#EXT#');
}

/** The address the directory knows the user by: mail, else the sign-in name; null when neither is usable. */
export function importEmail(user: M365User): string | null {
  if (isUsableEmail(user.mail)) return user.mail;
  if (isUsableEmail(user.userPrincipalName)) return user.userPrincipalName;
  return null;
}

function blankToNull(value: string | null): string | null {
  return value === null || value.trim() === '' ? null : value;
}

function workAddress(user: M365User): WorkAddress[] {
  const address: WorkAddress = {
    type: 'work',
    streetAddress: blankToNull(user.streetAddress),
    locality: blankToNull(user.city),
    region: blankToNull(user.state),
    postalCode: blankToNull(user.postalCode),
    country: blankToNull(user.country),
  };
  const empty = Object.entries(address).every(([key, value]) => key === 'type' || value === null);
  return empty ? [] : [address];
}

function phoneNumbers(user: M365User): NewDirectoryUser['phoneNumbers'] {
  const numbers: NewDirectoryUser['phoneNumbers'] = [];
  const mobile = blankToNull(user.mobilePhone);
  if (mobile !== null) numbers.push({ type: 'mobile', number: mobile });
  const work = blankToNull(user.businessPhones[0] ?? null);
  if (work !== null) numbers.push({ type: 'work', number: work });
  return numbers;
}

function displayNameOf(user: M365User, email: string): string {
  if (user.displayName.trim() !== '') return user.displayName;
  const parts = [user.givenName, user.surname].filter((part): part is string => blankToNull(part) !== null);
  return parts.length > 0 ? parts.join(' ') : email;
}

/** The directory user an import creates from a Microsoft 365 user; null when it has no usable address. */
export function importedDirectoryUser(user: M365User): NewDirectoryUser | null {
  const email = importEmail(user);
  if (email === null) return null;
  const usageLocation = user.usageLocation !== null && /^[A-Z]{2}$/.test(user.usageLocation);
  return {
    email,
    givenName: blankToNull(user.givenName),
    surname: blankToNull(user.surname),
    displayName: displayNameOf(user, email),
    jobTitle: blankToNull(user.jobTitle),
    department: blankToNull(user.department),
    company: blankToNull(user.companyName),
    addresses: workAddress(user),
    phoneNumbers: phoneNumbers(user),
    employeeId: blankToNull(user.employeeId),
    usageLocation: usageLocation ? user.usageLocation : null,
    password: null,
    source: 'imported',
    importedFromM365Id: user.id,
  };
}

/** Sign-in is on only while the binding is plainly bound (blocked and expired-password users are off). */
export function expectedAccountEnabled(state: BindingState): boolean {
  return state === 'bound';
}

/** The Microsoft 365 attributes the directory masters for this user (Graph property names). */
export function syncedAttributesOf(user: DirectoryUser, accountEnabled: boolean): SyncedAttributes {
  const address = user.addresses[0]; // the one 'work' address
  const mobile = user.phoneNumbers.find((entry) => entry.type === 'mobile');
  const work = user.phoneNumbers.find((entry) => entry.type === 'work');
  return {
    displayName: user.displayName,
    givenName: user.givenName,
    surname: user.surname,
    jobTitle: user.jobTitle,
    department: user.department,
    companyName: user.company,
    employeeId: user.employeeId,
    streetAddress: address?.streetAddress ?? null,
    city: address?.locality ?? null,
    state: address?.region ?? null,
    postalCode: address?.postalCode ?? null,
    country: address?.country ?? null,
    mobilePhone: mobile?.number ?? null,
    businessPhones: work ? [work.number] : [],
    usageLocation: user.usageLocation,
    accountEnabled,
  };
}

/** The same attributes as Microsoft 365 holds them now. */
export function syncedAttributesOfM365(user: M365User): SyncedAttributes {
  return {
    displayName: user.displayName,
    givenName: user.givenName,
    surname: user.surname,
    jobTitle: user.jobTitle,
    department: user.department,
    companyName: user.companyName,
    employeeId: user.employeeId,
    streetAddress: user.streetAddress,
    city: user.city,
    state: user.state,
    postalCode: user.postalCode,
    country: user.country,
    mobilePhone: user.mobilePhone,
    businessPhones: user.businessPhones.slice(0, 1),
    usageLocation: user.usageLocation,
    accountEnabled: user.accountEnabled,
  };
}

/** Exchange alias rules (graph-behaviour §2): the email's local part without characters aliases refuse. */
export function mailNicknameOf(email: string): string {
  const local = email.slice(0, email.lastIndexOf('@'));
  const cleaned = local
    .replace(/[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]/g, '')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.+|\.+$/g, '')
    .slice(0, 64)
    .replace(/\.+$/, '');
  return cleaned === '' ? 'user' : cleaned;
}

/** The account bind creates: UPN = email, enabled, with an initial password to change at first sign-in. */
export function newM365UserOf(user: DirectoryUser, usageLocation: string, password: string): NewM365User {
  const {
    accountEnabled: _enabled,
    usageLocation: _location,
    ...attributes
  } = syncedAttributesOf(user, true);
  return {
    ...attributes,
    userPrincipalName: user.email,
    mail: user.email,
    mailNickname: mailNicknameOf(user.email),
    usageLocation,
    accountEnabled: true,
    password,
    forceChangePasswordNextSignIn: true,
  };
}
