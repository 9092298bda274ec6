import { z } from 'zod';
import { GraphFailure, badRequest } from './failure.js';
import { MESSAGES } from './messages.js';
import {
  isCountryCode,
  isEmailAddress,
  isLanguageTag,
  isValidMailNickname,
  isValidPasswordPolicies,
} from './user-rules.js';

/** passwordProfile as written through Graph (graph-behaviour §4); the password is write-only. */
export interface PasswordProfileInput {
  password?: string;
  forceChangePasswordNextSignIn?: boolean;
  forceChangePasswordNextSignInWithMfa?: boolean;
}

/** The user properties the sandbox lets a client write, already type- and format-checked. */
export interface UserInput {
  accountEnabled?: boolean;
  displayName?: string;
  givenName?: string | null;
  surname?: string | null;
  jobTitle?: string | null;
  department?: string | null;
  companyName?: string | null;
  employeeId?: string | null;
  officeLocation?: string | null;
  preferredLanguage?: string | null;
  streetAddress?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  country?: string | null;
  mobilePhone?: string | null;
  mail?: string | null;
  mailNickname?: string;
  userPrincipalName?: string;
  otherMails?: string[];
  businessPhones?: string[];
  usageLocation?: string | null;
  userType?: 'Member' | 'Guest';
  passwordProfile?: PasswordProfileInput;
  passwordPolicies?: string | null;
  onPremisesImmutableId?: string | null;
}

export type WritableProperty = keyof UserInput;

interface FieldSpec {
  /** zod decides the JSON type (wrong type → the OData conversion error). */
  schema: z.ZodType;
  edmType: string;
  /** Content rule beyond the type (false → "Invalid value specified for property …"). */
  valid?: (value: never) => boolean;
}

const text = (maxLength: number): FieldSpec => ({
  schema: z.string().nullable(),
  edmType: 'Edm.String',
  // Empty strings are refused; Graph clears a property with null. [unconfirmed for some properties]
  valid: (value: string | null) => value === null || (value.length > 0 && value.length <= maxLength),
});
const required = (spec: FieldSpec, maxLength: number): FieldSpec => ({
  ...spec,
  schema: z.string(),
  valid: (value: string) =>
    value.length > 0 && value.length <= maxLength && (spec.valid?.(value as never) ?? true),
});

const FIELDS: Record<WritableProperty, FieldSpec> = {
  accountEnabled: { schema: z.boolean(), edmType: 'Edm.Boolean' },
  displayName: required(text(256), 256),
  givenName: text(64),
  surname: text(64),
  jobTitle: text(128),
  department: text(64),
  companyName: text(64),
  employeeId: text(16),
  officeLocation: text(128),
  preferredLanguage: { ...text(10), valid: (v: string | null) => v === null || isLanguageTag(v) },
  streetAddress: text(1024),
  city: text(128),
  state: text(128),
  postalCode: text(40),
  country: text(128),
  mobilePhone: text(64),
  mail: { ...text(254), valid: (v: string | null) => v === null || isEmailAddress(v) },
  mailNickname: { schema: z.string(), edmType: 'Edm.String', valid: isValidMailNickname },
  userPrincipalName: { schema: z.string(), edmType: 'Edm.String' },
  otherMails: {
    schema: z.array(z.string()),
    edmType: 'Collection(Edm.String)',
    valid: (v: string[]) => v.every(isEmailAddress),
  },
  // Graph's businessPhones holds one number at most (graph-behaviour §2).
  businessPhones: {
    schema: z.array(z.string()),
    edmType: 'Collection(Edm.String)',
    valid: (v: string[]) => v.length <= 1 && v.every((phone) => phone.length > 0 && phone.length <= 64),
  },
  usageLocation: {
    schema: z.string().nullable(),
    edmType: 'Edm.String',
    valid: (v: string | null) => v === null || isCountryCode(v),
  },
  userType: {
    schema: z.string(),
    edmType: 'Edm.String',
    valid: (v: string) => v === 'Member' || v === 'Guest',
  },
  passwordProfile: { schema: z.record(z.string(), z.unknown()), edmType: 'microsoft.graph.passwordProfile' },
  passwordPolicies: {
    schema: z.string().nullable(),
    edmType: 'Edm.String',
    valid: (v: string | null) => v === null || isValidPasswordPolicies(v),
  },
  onPremisesImmutableId: text(256),
};

/** Properties Graph knows on a user but computes itself; writing them is refused. */
const READ_ONLY = new Set([
  'id',
  'createdDateTime',
  'deletedDateTime',
  'proxyAddresses',
  'onPremisesSyncEnabled',
  'lastPasswordChangeDateTime',
  'signInSessionsValidFromDateTime',
  'assignedLicenses',
  'assignedPlans',
  'provisionedPlans',
  'licenseAssignmentStates',
  'imAddresses',
  'onPremisesLastSyncDateTime',
  'onPremisesDistinguishedName',
  'onPremisesDomainName',
  'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier',
  'securityIdentifier',
]);

const passwordProfileSchema = z
  .object({
    password: z.string().optional(),
    forceChangePasswordNextSignIn: z.boolean().optional(),
    forceChangePasswordNextSignInWithMfa: z.boolean().optional(),
  })
  .strict();

/** Type- and format-checks a POST/PATCH body; required-property checks are the caller's (create only). */
export function parseUserInput(body: unknown): UserInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest(MESSAGES.unreadableBody);
  const input: Record<string, unknown> = {};
  for (const [property, value] of Object.entries(body)) {
    if (property === '@odata.type' && value === '#microsoft.graph.user') continue;
    input[property] = parseField(property, value);
  }
  return input;
}

function parseField(property: string, value: unknown): unknown {
  if (READ_ONLY.has(property)) throw badRequest(MESSAGES.readOnlyProperty(property));
  if (!isWritable(property)) throw badRequest(MESSAGES.unknownProperty(property));
  const spec = FIELDS[property];
  // null on a property that can't be cleared (displayName, mailNickname, …) is a value error, not a type error.
  if (value === null && !spec.schema.safeParse(null).success)
    throw badRequest(MESSAGES.invalidValue(property));
  const parsed = spec.schema.safeParse(value);
  if (!parsed.success) throw wrongType(spec.edmType);
  if (property === 'passwordProfile') return parsePasswordProfile(parsed.data);
  if (spec.valid && !spec.valid(parsed.data as never)) throw badRequest(MESSAGES.invalidValue(property));
  return parsed.data;
}

function parsePasswordProfile(value: unknown): PasswordProfileInput {
  const parsed = passwordProfileSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue?.code === 'unrecognized_keys') throw badRequest(MESSAGES.unknownProperty(issue.keys[0] ?? ''));
  throw wrongType(issue?.path[0] === 'password' ? 'Edm.String' : 'Edm.Boolean');
}

function isWritable(property: string): property is WritableProperty {
  return Object.hasOwn(FIELDS, property);
}

/** Wrong JSON type for a property: the OData reader's conversion error (code BadRequest). [unconfirmed text] */
function wrongType(edmType: string): GraphFailure {
  return new GraphFailure(400, 'BadRequest', MESSAGES.wrongType(edmType));
}
