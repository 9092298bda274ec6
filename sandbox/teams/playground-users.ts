/**
 * The people of local mode's Teams side: the Microsoft 365 Agents Playground's mock tenant
 * (.m365agentsplayground.yml is generated from this module by bot/playground) and the default roster of the
 * loopback Teams connector. The bot's local mode binds roles to these aadObjectIds: the Playground's current
 * user is the first admin, `approver` can approve a second admin's requests (four-eyes).
 *
 * The tenant id is the sandbox Graph tenant's default (sandbox/options.ts), so one id names the tenant on both
 * sides. MRIs (`29:…`) are the shape Teams gives users; the Playground accepts any string as a user id.
 */
export interface TeamsPerson {
  /** The user's Teams id (MRI): `from.id` in activities, `refresh.userIds` in cards. */
  id: string;
  /** Entra object id: `from.aadObjectId`, the stable key for RBAC. */
  aadObjectId: string;
  name: string;
  givenName: string;
  surname: string;
  email: string;
  userPrincipalName: string;
}

export const LOCAL_TENANT_ID = '7f0c5a2e-4d8b-4a51-9c3e-2b6f1d9e8a40';

export const LOCAL_BOT = { id: '28:4b1d8f2a-6c3e-4a57-9e0b-1f2d3c4b5a69', name: 'M365 ChatOps' } as const;

function person(
  mri: string,
  aadObjectId: string,
  givenName: string,
  surname: string,
  login: string,
): TeamsPerson {
  const address = `${login}@contoso.com`;
  return {
    id: `29:${mri}`,
    aadObjectId,
    name: `${givenName} ${surname}`,
    givenName,
    surname,
    email: address,
    userPrincipalName: address,
  };
}

/** The Playground's current user (who types in its UI) and local mode's first admin. */
export const FIRST_ADMIN = person(
  '1f3a9c2e-admin-nora',
  'a1d4e2f0-3b5c-4d6e-8f70-91a2b3c4d5e1',
  'Nora',
  'Lindqvist',
  'nora.lindqvist',
);

/** Holds the approver role in local mode: approves what the first admin requests. */
export const APPROVER = person(
  '2b7d4e1f-approver-samir',
  'b2e5f3a1-4c6d-4e7f-9081-a2b3c4d5e6f2',
  'Samir',
  'Haddad',
  'samir.haddad',
);

/** Everyone else in the Playground's group chat and team: no role until an admin grants one. */
export const OTHER_USERS: readonly TeamsPerson[] = [
  person('3c8e5f2a-grace', 'c3f6a4b2-5d7e-4f80-a192-b3c4d5e6f7a3', 'Grace', 'Okafor', 'grace.okafor'),
  person('4d9f6a3b-tomas', 'd4a7b5c3-6e8f-4091-b2a3-c4d5e6f7a8b4', 'Tomás', 'Ruiz', 'tomas.ruiz'),
  person('5e0a7b4c-mei', 'e5b8c6d4-7f90-41a2-83b4-d5e6f7a8b9c5', 'Mei', 'Chen', 'mei.chen'),
  person('6f1b8c5d-jonas', 'f6c9d7e5-8091-42b3-94c5-e6f7a8b9c0d6', 'Jonas', 'Weber', 'jonas.weber'),
];

/** Every person, the first admin first. */
export const LOCAL_TEAMS_PEOPLE: readonly TeamsPerson[] = [FIRST_ADMIN, APPROVER, ...OTHER_USERS];

export const LOCAL_TEAM = {
  id: '19:local-team-general@thread.tacv2',
  name: 'IT Operations',
  aadGroupId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  /** One channel besides General (the Playground supports exactly one). */
  approvalsChannel: { id: '19:local-team-approvals@thread.tacv2', name: 'Approvals' },
} as const;

export const LOCAL_GROUP_CHAT = { id: '19:local-group-chat@thread.v2', name: 'Admins' } as const;

export const LOCAL_PERSONAL_CHAT_ID = 'a:1local-personal-chat-nora';
