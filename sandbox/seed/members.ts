import type { SeedUser } from '../model.js';
import { digits, drawName, type PersonName, type SeedContext } from './context.js';
import { seededImmutableId } from './ids.js';
import { OFFICES, type Office } from './offices.js';
import { DEPARTMENTS } from './org.js';
import { TRAIT } from './traits.js';
import { joinLocalPart, MAX_UPN_LOCAL_PART } from './transliterate.js';
import { pickWeighted, weightedTable } from './weighted.js';

const OFFICE_TABLE = weightedTable(OFFICES);
const DEPARTMENT_TABLE = weightedTable(DEPARTMENTS);

type LocalPartStyle = 'dotted' | 'initial' | 'underscore';

/** Mostly first.last; some jdoe (older accounts) and first_last (an acquired company's convention). */
function drawStyle(context: SeedContext): LocalPartStyle {
  const draw = context.random.next();
  return draw < 0.85 ? 'dotted' : draw < 0.95 ? 'initial' : 'underscore';
}

function localPartBase(name: PersonName, style: LocalPartStyle): string {
  const { givenToken, surnameToken } = name;
  if (givenToken === '' && surnameToken === '') return 'user';
  if (style === 'initial' && givenToken !== '') return joinLocalPart([givenToken.charAt(0) + surnameToken]);
  if (style === 'underscore' && givenToken !== '' && surnameToken !== '')
    return `${givenToken}_${surnameToken}`;
  return joinLocalPart([givenToken, surnameToken]);
}

/** "contoso.com" → "Contoso.com": how people type their address on business cards. */
function capitalizeDomain(domain: string): string {
  return domain.charAt(0).toUpperCase() + domain.slice(1);
}

type Identity = Pick<SeedUser, 'userPrincipalName' | 'mail' | 'mailNickname' | 'proxyAddresses'>;

function drawDomain(context: SeedContext, pinned: boolean): string {
  const { random, domains, initialDomain } = context;
  if (!pinned && domains.length > 1 && random.chance(0.15)) return random.pick(domains.slice(1));
  return domains[0] ?? initialDomain;
}

function memberIdentity(context: SeedContext, name: PersonName, traits: number, pinned: boolean): Identity {
  const { random, initialDomain, localParts } = context;
  const style = pinned ? 'dotted' : drawStyle(context);
  const casedLocal = localParts.claim(localPartBase(name, style), MAX_UPN_LOCAL_PART);
  const local = casedLocal.toLowerCase();
  const domain = drawDomain(context, pinned);
  const mixedCase = (traits & TRAIT.mixedCase) !== 0;
  const upnLocal = mixedCase && random.chance(0.5) ? casedLocal : local;
  let mail: string | null = `${local}@${domain}`;
  if ((traits & TRAIT.noMail) !== 0) mail = null;
  else if (mixedCase) mail = `${casedLocal}@${capitalizeDomain(domain)}`;
  const proxyAddresses: string[] = [];
  if (mail !== null) {
    proxyAddresses.push(`SMTP:${mail}`);
    if (domain !== initialDomain) proxyAddresses.push(`smtp:${local}@${initialDomain}`);
    // jdoe-style accounts usually also receive mail as jane.doe@ (when nobody else holds it).
    const alias = joinLocalPart([name.givenToken, name.surnameToken]).toLowerCase();
    if (style === 'initial' && alias !== '' && localParts.tryClaim(alias))
      proxyAddresses.push(`smtp:${alias}@${domain}`);
  }
  return { userPrincipalName: `${upnLocal}@${domain}`, mail, mailNickname: local, proxyAddresses };
}

type WorkProfile = Pick<SeedUser, 'jobTitle' | 'department' | 'companyName' | 'employeeId'>;

function workProfile(context: SeedContext, index: number, office: Office, synced: boolean): WorkProfile {
  const { random, brand } = context;
  const department = random.chance(0.96) ? pickWeighted(random, DEPARTMENT_TABLE) : null;
  return {
    department: department?.name ?? null,
    jobTitle: department === null ? null : random.pick(department.titles),
    companyName: random.chance(0.4) ? `${brand} ${office.companySuffix}`.slice(0, 64) : null,
    // HR numbers come from the HR system: always there for AD-synced staff, often for cloud-only ones.
    employeeId: synced || random.chance(0.6) ? `E${String(100_000 + index)}` : null,
  };
}

type Location = Pick<
  SeedUser,
  | 'streetAddress'
  | 'city'
  | 'state'
  | 'postalCode'
  | 'country'
  | 'officeLocation'
  | 'usageLocation'
  | 'preferredLanguage'
  | 'mobilePhone'
  | 'businessPhones'
>;

function locationProfile(context: SeedContext, office: Office, needsUsageLocation: boolean): Location {
  const { random } = context;
  const hasAddress = random.chance(0.92);
  return {
    streetAddress: hasAddress ? `${String(random.int(1, 2400))} ${random.pick(office.streets)}` : null,
    city: hasAddress ? office.city : null,
    state: hasAddress ? office.state : null,
    postalCode: hasAddress ? office.postalCode : null,
    country: hasAddress ? office.country : null,
    officeLocation: random.chance(0.85)
      ? `${office.code}-${String(random.int(1, 12))}.${digits(random, 3)}`
      : null,
    usageLocation: random.chance(0.96) || needsUsageLocation ? office.countryCode : null,
    preferredLanguage: random.chance(0.8) ? office.language : null,
    mobilePhone: random.chance(0.75) ? `${office.mobilePrefix} ${digits(random, 4)}` : null,
    businessPhones: random.chance(0.85) ? [`${office.phonePrefix} ${digits(random, 4)}`] : [],
  };
}

/**
 * A member of the workforce. `pinnedName` makes a predictable user (the guaranteed O'Brien): that name,
 * first.last on the default domain, and a usage location so it can be licensed.
 */
export function buildMember(
  context: SeedContext,
  index: number,
  traits: number,
  pinnedName?: PersonName,
): SeedUser {
  const { random } = context;
  const pinned = pinnedName !== undefined;
  const name = pinnedName ?? drawName(context);
  const identity = memberIdentity(context, name, traits, pinned);
  const office = pickWeighted(random, OFFICE_TABLE);
  const synced = (traits & TRAIT.synced) !== 0;
  const work = workProfile(context, index, office, synced);
  const place = locationProfile(context, office, pinned);
  // One literal with every field (no object spread): 100,000 users must build in well under a second, and
  // spreading into fresh objects made V8 allocate slow dictionary objects and spend most of the time in GC.
  return {
    userPrincipalName: identity.userPrincipalName,
    displayName: `${name.givenName} ${name.surname}`,
    givenName: name.givenName,
    surname: name.surname,
    mail: identity.mail,
    mailNickname: identity.mailNickname,
    proxyAddresses: identity.proxyAddresses,
    otherMails: [],
    accountEnabled: (traits & TRAIT.disabled) === 0,
    userType: 'Member',
    jobTitle: work.jobTitle,
    department: work.department,
    companyName: work.companyName,
    employeeId: work.employeeId,
    officeLocation: place.officeLocation,
    preferredLanguage: place.preferredLanguage,
    streetAddress: place.streetAddress,
    city: place.city,
    state: place.state,
    postalCode: place.postalCode,
    country: place.country,
    mobilePhone: place.mobilePhone,
    businessPhones: place.businessPhones,
    usageLocation: place.usageLocation,
    onPremisesSyncEnabled: synced ? true : null,
    onPremisesImmutableId: synced ? seededImmutableId(random) : null,
    // AD Connect password hash sync sets DisablePasswordExpiration; some cloud accounts have it too.
    passwordPolicies: synced || random.chance(0.1) ? 'DisablePasswordExpiration' : null,
    password: null,
    forceChangePasswordNextSignIn: false,
    forceChangePasswordNextSignInWithMfa: false,
    assignedLicenses: [],
  };
}
