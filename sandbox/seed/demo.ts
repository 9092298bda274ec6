/**
 * The 'demo' tenant: a hand-written 30-person company for local mode, pleasant to read in a chat demo.
 * Fixed names; only the object ids (and the synced user's immutable id) come from the seed.
 * Notable people: Liam O'Brien (the guaranteed apostrophe user), Anna Berg (mixed-case mail), Grace Murphy
 * (disabled), Søren Østergaard (synced from on-premises AD), Hannah Wright (no mailbox, no licence) and
 * Jane Doe (a guest from Fabrikam).
 */
import type { AssignedLicense, SandboxSku, SeedUser } from '../model.js';
import { blankSeedUser } from '../blank-user.js';
import { createRandom } from '../random.js';
import { seededImmutableId, seededUuid } from './ids.js';
import { OFFICES, type Office } from './offices.js';
import { brandFromDomain, GUEST_ORGANISATIONS } from './org.js';
import { buildSkus, SEED_SKUS, type SeedSkuRole } from './skus.js';
import { joinLocalPart, transliterateName } from './transliterate.js';

type DemoKind = 'member' | 'mixedCase' | 'disabled' | 'synced' | 'unlicensed' | 'guest';

interface DemoPerson {
  givenName: string;
  surname: string;
  department: string | null;
  jobTitle: string | null;
  office: 'SEA' | 'DUB';
  kind: DemoKind;
  /** Licences beyond the main one (SPE_E3), or a replacement base: 'trial' / 'legacy' / 'mailOnly'. */
  licences: SeedSkuRole[];
}

const p = (
  givenName: string,
  surname: string,
  department: string | null,
  jobTitle: string | null,
  office: 'SEA' | 'DUB',
  kind: DemoKind = 'member',
  licences: SeedSkuRole[] = ['main'],
): DemoPerson => ({ givenName, surname, department, jobTitle, office, kind, licences });

const DEMO_PEOPLE: readonly DemoPerson[] = [
  p('Elena', 'Rossi', 'Executive Office', 'Chief Executive Officer', 'SEA'),
  p('Liam', "O'Brien", 'Sales', 'Head of Sales', 'SEA'),
  p('Anna', 'Berg', 'Sales', 'Account Executive', 'SEA', 'mixedCase'),
  p('José', 'Álvarez', 'Sales', 'Account Executive', 'SEA'),
  p('Grace', 'Murphy', 'Sales', 'Sales Operations Analyst', 'DUB', 'disabled'),
  p('Priya', 'Sharma', 'Engineering', 'Engineering Manager', 'SEA'),
  p('Søren', 'Østergaard', 'Engineering', 'Senior Software Engineer', 'DUB', 'synced'),
  p('Zoë', 'Martin', 'Engineering', 'Software Engineer', 'SEA', 'member', ['main', 'exhausted']),
  p('Łukasz', 'Nowak', 'Engineering', 'Site Reliability Engineer', 'DUB'),
  p('Mei', 'Chen', 'Engineering', 'QA Engineer', 'SEA'),
  p('Jürgen', 'Müller', 'Finance', 'Finance Director', 'DUB', 'member', ['main', 'addOn']),
  p('Giulia', "D'Angelo", 'Finance', 'Financial Analyst', 'DUB', 'member', ['main', 'addOn']),
  p('Fatima', 'Haddad', 'Finance', 'Accountant', 'SEA'),
  p('Kwame', 'Mensah', 'IT', 'IT Manager', 'SEA', 'member', ['trial']),
  p('Sarah', 'Kelly', 'IT', 'Systems Administrator', 'SEA'),
  p('Karthik', 'Iyer', 'IT', 'Service Desk Analyst', 'SEA'),
  p('Chloé', 'Dubois', 'Marketing', 'Marketing Manager', 'DUB'),
  p('Yuki', 'Tanaka', 'Marketing', 'Content Strategist', 'SEA'),
  p('Daan', 'de Vries', 'Marketing', 'Brand Designer', 'DUB', 'member', ['main', 'exhausted']),
  p('Emily', 'Walsh', 'Human Resources', 'HR Business Partner', 'DUB'),
  p('Omar', 'Khalil', 'Human Resources', 'Recruiter', 'SEA'),
  p('Ingrid', 'Lindqvist', 'Customer Support', 'Support Team Lead', 'DUB'),
  p('Thabo', 'Nkosi', 'Customer Support', 'Support Engineer', 'SEA', 'member', ['mailOnly']),
  p('Camila', 'Rodríguez', 'Customer Support', 'Support Engineer', 'SEA', 'member', ['mailOnly']),
  p('João', 'Silva', 'Operations', 'Operations Manager', 'SEA', 'member', ['legacy']),
  p('Hannah', 'Wright', 'Operations', 'Facilities Coordinator', 'SEA', 'unlicensed', []),
  p('Ahmed', 'Al-Sayed', 'Legal', 'Legal Counsel', 'DUB'),
  p('Eleni', 'Georgiou', 'Product Management', 'Product Manager', 'SEA'),
  p('Noah', 'Fischer', 'Product Management', 'UX Designer', 'SEA'),
  p('Jane', 'Doe', null, null, 'SEA', 'guest', []),
];

export const DEMO_USER_COUNT = DEMO_PEOPLE.length;

function officeByCode(code: string): Office {
  const office = OFFICES.find((candidate) => candidate.code === code);
  if (office === undefined) throw new Error(`demo office ${code} is missing from OFFICES`);
  return office;
}

function demoLocalPart(person: DemoPerson): string {
  const germanUmlauts = person.surname === 'Müller';
  return joinLocalPart([
    transliterateName(person.givenName, { germanUmlauts }),
    transliterateName(person.surname, { germanUmlauts }),
  ]);
}

interface DemoTenantInput {
  seed: number;
  /** The default domain: every demo member lives on it. */
  domain: string;
  /** All verified custom domains (lower-case), so the guest's organisation is never one of them. */
  domains: readonly string[];
  initialDomain: string;
}

/** Jane Doe works at Fabrikam, unless the tenant itself owns fabrikam.com (then the next partner). */
function demoGuest(person: DemoPerson, input: DemoTenantInput): SeedUser {
  const organisation =
    GUEST_ORGANISATIONS.find(
      (org) => !input.domains.includes(org.domain) && org.domain !== input.initialDomain,
    ) ?? GUEST_ORGANISATIONS[0];
  const external = `${demoLocalPart(person).toLowerCase()}@${organisation?.domain ?? 'fabrikam.com'}`;
  const guestLocal = `${external.replace('@', '_')}#EXT#`;
  return {
    ...demoBlank(person),
    userPrincipalName: `${guestLocal}@${input.initialDomain}`,
    mail: external,
    mailNickname: guestLocal,
    proxyAddresses: [`SMTP:${external}`],
    otherMails: [external],
    userType: 'Guest',
    companyName: organisation?.company ?? null,
  };
}

/** Fields every demo user shares, before identity and work details. */
function demoBlank(person: DemoPerson): SeedUser {
  return {
    ...blankSeedUser(),
    displayName: `${person.givenName} ${person.surname}`,
    givenName: person.givenName,
    surname: person.surname,
    jobTitle: person.jobTitle,
    department: person.department,
  };
}

function demoMember(person: DemoPerson, position: number, input: DemoTenantInput): SeedUser {
  const office = officeByCode(person.office);
  const casedLocal = demoLocalPart(person);
  const local = casedLocal.toLowerCase();
  const mixedCase = person.kind === 'mixedCase';
  const domainCased = mixedCase ? input.domain.charAt(0).toUpperCase() + input.domain.slice(1) : input.domain;
  const mail = person.kind === 'unlicensed' ? null : `${mixedCase ? casedLocal : local}@${domainCased}`;
  const extension = String(100 + position);
  return {
    ...demoBlank(person),
    userPrincipalName: `${local}@${input.domain}`,
    mail,
    mailNickname: local,
    proxyAddresses: mail === null ? [] : [`SMTP:${mail}`, `smtp:${local}@${input.initialDomain}`],
    accountEnabled: person.kind !== 'disabled',
    companyName: `${brandFromDomain(input.domain)} ${office.companySuffix}`,
    employeeId: `E${String(1000 + position)}`,
    officeLocation: `${office.code}-2.${extension}`,
    preferredLanguage: office.language,
    streetAddress: office.code === 'SEA' ? '1200 Pine Street' : '25 Grand Canal Quay',
    city: office.city,
    state: office.state,
    postalCode: office.postalCode,
    country: office.country,
    mobilePhone: `${office.mobilePrefix} 0${extension}`,
    businessPhones: [`${office.phonePrefix} 0${extension}`],
    usageLocation: office.countryCode,
    passwordPolicies: person.kind === 'synced' ? 'DisablePasswordExpiration' : null,
  };
}

export function generateDemoTenant(input: DemoTenantInput): { users: SeedUser[]; skus: SandboxSku[] } {
  const ids = createRandom(input.seed);
  const consumed: Record<SeedSkuRole, number> = {
    main: 0,
    legacy: 0,
    mailOnly: 0,
    addOn: 0,
    trial: 0,
    exhausted: 0,
  };
  const users = DEMO_PEOPLE.map((person, position): SeedUser => {
    const user = person.kind === 'guest' ? demoGuest(person, input) : demoMember(person, position, input);
    user.id = seededUuid(ids);
    if (person.kind === 'synced') {
      user.onPremisesSyncEnabled = true;
      user.onPremisesImmutableId = seededImmutableId(ids);
    }
    user.assignedLicenses = person.licences.map((role): AssignedLicense => {
      consumed[role] += 1;
      return { skuId: SEED_SKUS[role].skuId, disabledPlans: [] };
    });
    return user;
  });
  return { users, skus: buildSkus(consumed) };
}
