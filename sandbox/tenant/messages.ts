/**
 * Graph's error texts. Tags as in graph-behaviour.md: [doc], [community] (reported by Graph users), and
 * [unconfirmed] (the sandbox's best guess; no test may depend on the exact text).
 */
export const MESSAGES = {
  // [community] graph-behaviour §3
  upnConflict: 'Another object with the same value for property userPrincipalName already exists.',
  proxyConflict: 'Another object with the same value for property proxyAddresses already exists.',
  weakPassword:
    'The specified password does not comply with password complexity requirements. Please provide a different password.',
  passwordRequired: 'A password must be specified to create a new user.',
  upnDomainNotVerified:
    'The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.',
  upnInvalid: 'Property userPrincipalName is invalid.',
  invalidValue: (property: string): string =>
    `Invalid value specified for property '${property}' of resource 'User'.`,
  notFound: (key: string): string =>
    `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
  // [doc]
  insufficientPrivileges: 'Insufficient privileges to complete the operation.',
  // [community] maintainer comment, microsoftgraph/MSGraph-SDK-Code-Generator#244
  requiredMissing: (property: string): string =>
    `Property ${property} value is required but is empty or missing.`,
  // [community] graph-behaviour §2 and §11 (federated domain without onPremisesImmutableId)
  invalidValues: 'One or more properties contains invalid values.',
  // [community] Entra's answer for directory-synced objects; the commonly reported text
  onPremisesMastered:
    'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
  // [community] graph-behaviour §5
  invalidUsageLocation: 'License assignment cannot be done for user with invalid usage location.',
  invalidLicense: (skuId: string): string =>
    `License ${skuId} does not correspond to a valid company License.`,
  // graph-behaviour §5: the suffix is [community], the prefix [unconfirmed]
  noSeats: (skuId: string): string => `Subscription with SKU ${skuId} does not have any available licenses.`,
  // [unconfirmed]
  licenseNotAssigned: (skuId: string): string => `User does not have a corresponding license: ${skuId}.`,
  unknownProperty: (property: string): string => `Invalid property '${property}'.`,
  readOnlyProperty: (property: string): string => `Property '${property}' is read-only and cannot be set.`,
  wrongType: (edmType: string): string =>
    `Cannot convert a primitive value to the expected type '${edmType}'. See the inner exception for more details.`,
  // [community] commonly reported Graph texts
  unreadableBody:
    'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
  methodNotAllowed: 'Specified HTTP method is not allowed for the request target.',
  unknownSegment: (segment: string): string => `Resource not found for the segment '${segment}'.`,
} as const;
