import type { SandboxUser } from '../model.js';

/** Operators of $filter, per property; `null` stands for `eq null` / `ne null`. */
export type FilterOperator = 'eq' | 'ne' | 'in' | 'startswith' | 'endswith' | 'ge' | 'le' | 'null';

export interface FilterCapability {
  type: 'string' | 'boolean' | 'datetime' | 'collection';
  /** Usable without advanced-query parameters (for collections: inside any()). */
  standard: ReadonlySet<FilterOperator>;
  /** Usable only with `ConsistencyLevel: eventual` and `$count=true`. */
  advanced: ReadonlySet<FilterOperator>;
}

export interface UserProperty {
  name: string;
  read: (user: SandboxUser) => unknown;
  filter?: FilterCapability;
  orderBy?: 'standard' | 'advanced';
  /** false: Graph returns such properties only for a single user; $select on a list gives 501. */
  inCollections?: boolean;
}

const ops = (...list: FilterOperator[]): ReadonlySet<FilterOperator> => new Set(list);

// graph-behaviour §2 (aad-advanced-queries): standard eq/in/startsWith/ge/le on the common strings,
// ne/not/endsWith/eq null only as advanced queries; some properties are advanced-only altogether.
const COMMON_STRING: FilterCapability = {
  type: 'string',
  standard: ops('eq', 'in', 'startswith', 'ge', 'le'),
  advanced: ops('ne', 'null'),
};
const ADDRESS_STRING: FilterCapability = { ...COMMON_STRING, advanced: ops('ne', 'null', 'endswith') };
const ADVANCED_STRING: FilterCapability = {
  type: 'string',
  standard: ops(),
  advanced: ops('eq', 'in', 'startswith', 'ge', 'le', 'ne', 'null'),
};
const EXACT_STRING: FilterCapability = {
  type: 'string',
  standard: ops('eq', 'in'),
  advanced: ops('ne', 'null'),
};
const BOOLEAN: FilterCapability = { type: 'boolean', standard: ops('eq'), advanced: ops('ne', 'null') };
const DATETIME: FilterCapability = {
  type: 'datetime',
  standard: ops(),
  advanced: ops('eq', 'ne', 'in', 'ge', 'le', 'null'),
};
const ADDRESS_COLLECTION: FilterCapability = {
  type: 'collection',
  standard: ops('eq', 'startswith'),
  advanced: ops('endswith', 'ne'),
};

const property = (
  name: keyof SandboxUser,
  extra: Omit<UserProperty, 'name' | 'read'> = {},
): UserProperty => ({
  name,
  read: (user) => user[name],
  ...extra,
});
/** Real Graph properties the sandbox does not model: selectable, always empty. */
const unmodelled = (name: string, empty: null | [] = null, inCollections = true): UserProperty => ({
  name,
  read: () => empty,
  inCollections,
});

const PROPERTIES: UserProperty[] = [
  property('id', { filter: EXACT_STRING }),
  property('userPrincipalName', { filter: ADDRESS_STRING, orderBy: 'standard' }),
  property('displayName', { filter: COMMON_STRING, orderBy: 'standard' }),
  property('givenName', { filter: COMMON_STRING, orderBy: 'advanced' }),
  property('surname', { filter: COMMON_STRING, orderBy: 'advanced' }),
  property('mail', { filter: ADDRESS_STRING, orderBy: 'advanced' }),
  property('mailNickname', { filter: COMMON_STRING }),
  property('proxyAddresses', { filter: { ...ADDRESS_COLLECTION } }),
  property('otherMails', { filter: ADDRESS_COLLECTION }),
  property('accountEnabled', { filter: BOOLEAN }),
  property('userType', { filter: EXACT_STRING }),
  property('jobTitle', { filter: COMMON_STRING }),
  property('department', { filter: COMMON_STRING }),
  property('companyName', { filter: ADVANCED_STRING }),
  property('employeeId', { filter: COMMON_STRING }),
  property('officeLocation', { filter: ADVANCED_STRING }),
  property('preferredLanguage', { filter: ADVANCED_STRING }),
  property('streetAddress', { filter: ADVANCED_STRING }),
  property('city', { filter: COMMON_STRING }),
  property('state', { filter: COMMON_STRING }),
  property('postalCode', { filter: ADVANCED_STRING }),
  property('country', { filter: COMMON_STRING }),
  property('mobilePhone', { filter: ADVANCED_STRING }),
  property('businessPhones'),
  property('usageLocation', { filter: COMMON_STRING }),
  property('onPremisesSyncEnabled', { filter: BOOLEAN }),
  property('onPremisesImmutableId', { filter: EXACT_STRING }),
  property('createdDateTime', { filter: DATETIME, orderBy: 'advanced' }),
  property('passwordPolicies'),
  property('lastPasswordChangeDateTime'),
  property('signInSessionsValidFromDateTime'),
  property('assignedLicenses'),
  property('deletedDateTime'),
  // passwordProfile is write-only: selectable, always null.
  unmodelled('passwordProfile'),
  unmodelled('assignedPlans', []),
  unmodelled('provisionedPlans', []),
  unmodelled('licenseAssignmentStates', []),
  unmodelled('identities', []),
  unmodelled('imAddresses', []),
  unmodelled('faxNumber'),
  unmodelled('employeeType'),
  unmodelled('employeeHireDate'),
  unmodelled('ageGroup'),
  unmodelled('externalUserState'),
  unmodelled('creationType'),
  unmodelled('showInAddressList'),
  unmodelled('onPremisesDistinguishedName'),
  unmodelled('onPremisesDomainName'),
  unmodelled('onPremisesSamAccountName'),
  unmodelled('onPremisesUserPrincipalName'),
  unmodelled('onPremisesLastSyncDateTime'),
  unmodelled('onPremisesSecurityIdentifier'),
  unmodelled('securityIdentifier'),
  unmodelled('preferredDataLocation'),
  // Returned only when reading a single user (graph-behaviour §2: 501 in collections).
  ...['aboutMe', 'birthday', 'hireDate', 'interests', 'mySite', 'pastProjects', 'preferredName'].map((name) =>
    unmodelled(name, null, false),
  ),
  ...['responsibilities', 'schools', 'skills'].map((name) => unmodelled(name, [], false)),
];

/** Property catalogue keyed by lower-case name (Graph resolves property names case-insensitively). */
export const USER_PROPERTIES: ReadonlyMap<string, UserProperty> = new Map(
  PROPERTIES.map((entry) => [entry.name.toLowerCase(), entry]),
);

/** Returned without $select, in Graph's order (graph-behaviour §2). */
export const DEFAULT_USER_PROPERTIES: readonly UserProperty[] = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
].map((name) => USER_PROPERTIES.get(name.toLowerCase()) as UserProperty);
