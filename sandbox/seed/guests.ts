import { blankSeedUser } from '../blank-user.js';
import type { SeedUser } from '../model.js';
import { AddressRegistry } from './address-registry.js';
import { drawName, type SeedContext } from './context.js';
import { GUEST_ORGANISATIONS } from './org.js';
import { joinLocalPart, MAX_UPN_LOCAL_PART } from './transliterate.js';

const GUEST_SUFFIX = '#EXT#';

/**
 * An invited B2B guest as Entra stores it: UPN `jane.doe_fabrikam.com#EXT#@<initial domain>`, mail = the
 * external address, no licence, no usage location, none of the employee attributes.
 */
export function buildGuest(context: SeedContext): SeedUser {
  const { random, initialDomain, domains, externalAddresses } = context;
  // An organisation whose domain the tenant itself owns would not be "external".
  const organisations = GUEST_ORGANISATIONS.filter(
    (org) => !domains.includes(org.domain) && org.domain !== initialDomain,
  );
  const organisation = random.pick(organisations.length > 0 ? organisations : GUEST_ORGANISATIONS);
  const name = drawName(context);
  const maxExternalLocal = MAX_UPN_LOCAL_PART - 1 - organisation.domain.length - GUEST_SUFFIX.length;
  const base = joinLocalPart([name.givenToken, name.surnameToken]).toLowerCase() || 'guest';
  let registry = externalAddresses.get(organisation.domain);
  if (registry === undefined) {
    registry = new AddressRegistry();
    externalAddresses.set(organisation.domain, registry);
  }
  const externalLocal = registry.claim(base, maxExternalLocal);
  const guestLocal = `${externalLocal}_${organisation.domain}${GUEST_SUFFIX}`;
  const mail = `${externalLocal}@${organisation.domain}`;
  return {
    ...blankSeedUser(),
    userPrincipalName: `${guestLocal}@${initialDomain}`,
    mail,
    mailNickname: guestLocal,
    proxyAddresses: [`SMTP:${mail}`],
    otherMails: [mail],
    displayName: `${name.givenName} ${name.surname}`,
    givenName: name.givenName,
    surname: name.surname,
    userType: 'Guest',
    companyName: organisation.company,
  };
}
