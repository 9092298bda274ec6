/**
 * The sandbox tenant's own records. These are the directory objects as Entra ID holds them, not as Graph
 * returns them: projection to Graph JSON (default property set, $select) happens in the Graph routes.
 * Shared contract between the tenant store, the seed generator and the Graph routes.
 */

export interface AssignedLicense {
  skuId: string;
  disabledPlans: string[];
}

/** A user object in the sandbox directory. Nullable strings are `null` when unset, as Graph returns them. */
export interface SandboxUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  mailNickname: string;
  /** 'SMTP:primary@x' (upper-case prefix = primary) and 'smtp:alias@x'; read-only through Graph. */
  proxyAddresses: string[];
  otherMails: string[];
  accountEnabled: boolean;
  userType: 'Member' | 'Guest';
  jobTitle: string | null;
  department: string | null;
  companyName: string | null;
  employeeId: string | null;
  officeLocation: string | null;
  preferredLanguage: string | null;
  streetAddress: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
  mobilePhone: string | null;
  /** Graph allows at most one entry. */
  businessPhones: string[];
  usageLocation: string | null;
  /** null = cloud-only; true = mastered by on-premises Active Directory (its attributes are read-only here). */
  onPremisesSyncEnabled: boolean | null;
  onPremisesImmutableId: string | null;
  createdDateTime: string;
  passwordPolicies: string | null;
  /** Write-only through Graph; kept so tests can check what was set. Never returned by any route. */
  password: string | null;
  forceChangePasswordNextSignIn: boolean;
  forceChangePasswordNextSignInWithMfa: boolean;
  lastPasswordChangeDateTime: string | null;
  signInSessionsValidFromDateTime: string | null;
  assignedLicenses: AssignedLicense[];
  /** Set when the user is in directory/deletedItems. */
  deletedDateTime: string | null;
}

/** A user as produced by the seed generator: everything but the fields the tenant fills in itself. */
export type SeedUser = Omit<
  SandboxUser,
  | 'id'
  | 'createdDateTime'
  | 'deletedDateTime'
  | 'lastPasswordChangeDateTime'
  | 'signInSessionsValidFromDateTime'
> & { id?: string };

export interface SandboxDomain {
  id: string;
  authenticationType: 'Managed' | 'Federated';
  isDefault: boolean;
  isInitial: boolean;
  isVerified: boolean;
  passwordValidityPeriodInDays: number | null;
  passwordNotificationWindowInDays: number | null;
  supportedServices: string[];
}

export interface SandboxSku {
  skuId: string;
  skuPartNumber: string;
  /** prepaidUnits.enabled; free seats = enabled - consumed. */
  enabledUnits: number;
  capabilityStatus: 'Enabled' | 'Suspended' | 'Warning' | 'LockedOut';
  servicePlans: { servicePlanId: string; servicePlanName: string }[];
}
