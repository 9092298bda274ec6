import type { SeedUser } from './model.js';

/**
 * A user with every optional attribute empty, as Entra stores an account created with only the required
 * properties: enabled member, no mail, no licence, no employee or address attributes, no password policy.
 * Seeds and the user writer spread it and set what they know, so the list of attributes lives in one place.
 */
export function blankSeedUser(): Omit<SeedUser, 'id'> {
  return {
    userPrincipalName: '',
    displayName: '',
    givenName: null,
    surname: null,
    mail: null,
    mailNickname: '',
    proxyAddresses: [],
    otherMails: [],
    accountEnabled: true,
    userType: 'Member',
    jobTitle: null,
    department: null,
    companyName: null,
    employeeId: null,
    officeLocation: null,
    preferredLanguage: null,
    streetAddress: null,
    city: null,
    state: null,
    postalCode: null,
    country: null,
    mobilePhone: null,
    businessPhones: [],
    usageLocation: null,
    onPremisesSyncEnabled: null,
    onPremisesImmutableId: null,
    passwordPolicies: null,
    password: null,
    forceChangePasswordNextSignIn: false,
    forceChangePasswordNextSignInWithMfa: false,
    assignedLicenses: [],
  };
}
