import { z } from 'zod';

/**
 * The directory's records (the bot's own source of truth, kept in MongoDB). zod schemas here are the storage
 * boundary: repositories parse every document they read with them. Dates are Date objects.
 */

export const actorSchema = z.object({
  platform: z.enum(['teams', 'slack', 'system', 'test']),
  /** Teams: AAD object id; Slack: team id + ':' + user id; system: the job name. */
  id: z.string().min(1),
  displayName: z.string(),
});
export type Actor = z.infer<typeof actorSchema>;

export const workAddressSchema = z.object({
  type: z.literal('work'),
  streetAddress: z.string().nullable(),
  locality: z.string().nullable(),
  region: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z.string().nullable(),
});
export type WorkAddress = z.infer<typeof workAddressSchema>;

export const phoneNumberSchema = z.object({ type: z.enum(['mobile', 'work']), number: z.string().min(1) });
export type PhoneNumber = z.infer<typeof phoneNumberSchema>;

export const passwordStateSchema = z.object({
  setAt: z.date(),
  expiresAt: z.date().nullable(),
  policyVersion: z.number().int().min(1),
});
export type PasswordState = z.infer<typeof passwordStateSchema>;

export const directoryUserSchema = z.object({
  id: z.string().min(1),
  email: z.email(),
  /** Lower-case email: the case-insensitive unique key. */
  emailLower: z.string().min(3),
  givenName: z.string().nullable(),
  surname: z.string().nullable(),
  displayName: z.string().min(1),
  jobTitle: z.string().nullable(),
  department: z.string().nullable(),
  company: z.string().nullable(),
  addresses: z.array(workAddressSchema),
  phoneNumbers: z.array(phoneNumberSchema),
  employeeId: z.string().nullable(),
  /** ISO 3166 alpha-2, needed by Microsoft 365 to assign licences. */
  usageLocation: z.string().length(2).nullable(),
  password: passwordStateSchema.nullable(),
  source: z.enum(['created', 'imported']),
  /** The Microsoft 365 object this user was imported from, if any (import-preview's "already imported"). */
  importedFromM365Id: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type DirectoryUser = z.infer<typeof directoryUserSchema>;
/** What a caller supplies to create a directory user (the repository fills id, emailLower, timestamps). */
export type NewDirectoryUser = Omit<DirectoryUser, 'id' | 'emailLower' | 'createdAt' | 'updatedAt'>;

export const BINDING_STATES = [
  'bound',
  'blocked',
  'suspended-password-expired',
  'pending-address-release',
  'missing-in-m365',
] as const;
export const bindingStateSchema = z.enum(BINDING_STATES);
export type BindingState = z.infer<typeof bindingStateSchema>;

/** The Microsoft 365 attributes the directory pushes and reconcile compares (Graph property names). */
export const syncedAttributesSchema = z.object({
  displayName: z.string(),
  givenName: z.string().nullable(),
  surname: z.string().nullable(),
  jobTitle: z.string().nullable(),
  department: z.string().nullable(),
  companyName: z.string().nullable(),
  employeeId: z.string().nullable(),
  streetAddress: z.string().nullable(),
  city: z.string().nullable(),
  state: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z.string().nullable(),
  mobilePhone: z.string().nullable(),
  businessPhones: z.array(z.string()),
  usageLocation: z.string().nullable(),
  accountEnabled: z.boolean(),
});
export type SyncedAttributes = z.infer<typeof syncedAttributesSchema>;

export const bindingSchema = z.object({
  /** Directory user id; one binding per user. */
  userId: z.string().min(1),
  emailLower: z.string().min(3),
  /** Microsoft 365 object id; null while the account does not exist yet (pending-address-release). */
  m365Id: z.string().nullable(),
  userPrincipalName: z.string(),
  state: bindingStateSchema,
  /** Mastered by on-premises AD: the bot never writes its on-premises attributes. */
  onPremisesSynced: z.boolean(),
  lastSynced: syncedAttributesSchema.nullable(),
  /** When the address hold is expected to end (pending-address-release). */
  retryAt: z.date().nullable(),
  boundBy: actorSchema,
  boundAt: z.date(),
  updatedAt: z.date(),
});
export type Binding = z.infer<typeof bindingSchema>;

export const connectionSchema = z.object({
  tenantId: z.string().min(1),
  status: z.enum(['active', 'deactivated']),
  authorisedBy: actorSchema,
  since: z.date(),
});
export type Connection = z.infer<typeof connectionSchema>;

export const auditEventSchema = z.object({
  id: z.string().min(1),
  at: z.date(),
  actor: actorSchema,
  action: z.string().min(1),
  /** Usually the user's email; absent for tenant-wide actions. */
  target: z.string().nullable(),
  /** Never secrets: repositories refuse keys that look like one. */
  parameters: z.record(z.string(), z.unknown()),
  graphRequestIds: z.array(z.string()),
  outcome: z.enum(['succeeded', 'failed', 'skipped', 'planned']),
  /** Error code and message, or a short note. */
  detail: z.string().nullable(),
  operationId: z.string().nullable(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;
export type NewAuditEvent = Omit<AuditEvent, 'id' | 'at'>;

export const STEP_STATES = ['pending', 'started', 'done', 'skipped', 'failed'] as const;
export const stepStateSchema = z.enum(STEP_STATES);
export type StepState = z.infer<typeof stepStateSchema>;

/** One document per (operation, user), so each step is a single-document atomic update (no positional
 *  array updates, which FerretDB 1.x does not fully support) and a 2,000-user run stays small per write. */
export const operationUserSchema = z.object({
  operationId: z.string().min(1),
  emailLower: z.string().min(3),
  /** Per step (e.g. 'create', 'licence', 'welcome'): its state. 'started' without 'done' after a crash means
   *  the step may or may not have reached Microsoft 365 and must be checked before it is repeated. */
  steps: z.record(z.string(), stepStateSchema),
  outcome: z.enum(['pending', 'done', 'failed', 'skipped']),
  m365Id: z.string().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
});
export type OperationUser = z.infer<typeof operationUserSchema>;

export const operationSchema = z.object({
  /** The idempotency key: the same key never runs twice. */
  id: z.string().min(1),
  kind: z.string().min(1),
  actor: actorSchema,
  parameters: z.record(z.string(), z.unknown()),
  status: z.enum(['running', 'completed']),
  total: z.number().int().min(0),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Operation = z.infer<typeof operationSchema>;
