import { m365UserSchema, type M365User } from '../../commands/engine/m365.js';

/** A Microsoft 365 user as the gateway returns it, with every mapped attribute set. */
export function m365User(fields: Partial<Record<keyof M365User, unknown>> = {}): M365User {
  return m365UserSchema.parse({
    id: 'u-1',
    userPrincipalName: 'anna.berg@contoso.com',
    mail: 'Anna.Berg@contoso.com',
    displayName: 'Anna Berg',
    givenName: 'Anna',
    surname: 'Berg',
    jobTitle: 'Controller',
    department: 'Finance',
    companyName: 'Contoso Ltd',
    employeeId: 'E100',
    streetAddress: '1 Main St',
    city: 'Seattle',
    state: 'WA',
    postalCode: '98101',
    country: 'United States',
    mobilePhone: '+1 206 555 0100',
    businessPhones: ['+1 206 555 0199', '+1 206 555 0198'],
    usageLocation: 'US',
    accountEnabled: true,
    userType: 'Member',
    onPremisesSyncEnabled: null,
    ...fields,
  });
}
