import type { Actor, Binding, NewDirectoryUser } from '../../../commands/engine/model.js';

export const admin: Actor = { platform: 'test', id: 'admin-1', displayName: 'Ada Admin' };

export function newUser(email: string, overrides: Partial<NewDirectoryUser> = {}): NewDirectoryUser {
  return {
    email,
    givenName: 'Alice',
    surname: 'Example',
    displayName: 'Alice Example',
    jobTitle: null,
    department: 'Sales',
    company: null,
    addresses: [
      {
        type: 'work',
        streetAddress: '1 Main St',
        locality: 'Springfield',
        region: null,
        postalCode: '12345',
        country: 'US',
      },
    ],
    phoneNumbers: [{ type: 'mobile', number: '+1 555 0100' }],
    employeeId: null,
    usageLocation: 'US',
    password: null,
    source: 'created',
    importedFromM365Id: null,
    ...overrides,
  };
}

export function newBinding(userId: string, overrides: Partial<Omit<Binding, 'updatedAt'>> = {}) {
  const email = `${userId}@contoso.com`;
  return {
    userId,
    emailLower: email,
    m365Id: `m365-${userId}`,
    userPrincipalName: email,
    state: 'bound',
    onPremisesSynced: false,
    lastSynced: null,
    retryAt: null,
    boundBy: admin,
    boundAt: new Date('2025-01-02T03:04:05Z'),
    ...overrides,
  } satisfies Omit<Binding, 'updatedAt'>;
}
