import type { ChatRoles } from '../commands/chat/ports.js';
import type { Role } from '../commands/chat/model.js';
import type { Clock, DirectoryUsers } from '../commands/engine/ports.js';
import type { NewDirectoryUser } from '../commands/engine/model.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { startSlackApi, type SlackApi } from '../sandbox/slack/api.js';
import { LOCAL_SLACK_BOT, LOCAL_SLACK_USERS } from '../sandbox/slack/options.js';
import {
  APPROVER,
  FIRST_ADMIN,
  LOCAL_TENANT_ID,
  OTHER_USERS,
  type TeamsPerson,
} from '../sandbox/teams/playground-users.js';
import type { Modes } from './composition/modes.js';
import type { LocalChatDefaults } from './composition/settings.js';
import { Secret } from './secret.js';
import type { SlackAdapterOptionsInput } from './slack/options.js';

/**
 * Local mode: with nothing configured, `npm start` runs the whole product on this machine. The stand-ins are
 * the project's own (as strict as the real services): the sandbox tenant seeded with the demo company for
 * Microsoft 365, and the loopback Slack Web API; the Teams endpoint runs without authentication for the
 * Microsoft 365 Agents Playground. The people are the Playground's and the Slack stand-in's: Nora Lindqvist is
 * the first admin on both platforms and Samir Haddad an approver, so the four-eyes flow can be tried.
 */

/** The local Slack app's signing secret: a published constant, so it signs nothing outside local mode. */
export const LOCAL_SLACK_SIGNING_SECRET = 'local-mode-signing-secret-0000000';

/** Sends the welcome message in the demo tenant (an IT mailbox of the demo company). */
export const LOCAL_WELCOME_SENDER = 'sarah.kelly@contoso.com';

const LOCAL_SLACK_TEAM_ID = 'T0LOCAL001';
const slackAdmin = LOCAL_SLACK_USERS[0];
const slackApprover = LOCAL_SLACK_USERS[1];

const teamsId = (person: TeamsPerson) => `${LOCAL_TENANT_ID}:${person.aadObjectId.toLowerCase()}`;
const slackId = (userId: string) => `${LOCAL_SLACK_TEAM_ID}:${userId}`;

/** Local mode's first admins (always admins, like CHAT_FIRST_ADMINS). */
export const LOCAL_FIRST_ADMINS = [
  { platform: 'teams' as const, id: teamsId(FIRST_ADMIN) },
  { platform: 'slack' as const, id: slackId(slackAdmin.id) },
];

/**
 * Local mode's chat defaults: its first admins, unbind needing a second admin (so the four-eyes flow has
 * something to show), and the Slack stand-in's #approvals as the approvals channel — where Samir Haddad can
 * approve a request Nora made in Teams or in Slack.
 */
export const LOCAL_CHAT_DEFAULTS: LocalChatDefaults = {
  firstAdmins: LOCAL_FIRST_ADMINS,
  secondAdminCommands: ['unbind'],
  approvalsChannel: { platform: 'slack', conversationId: 'C0APPROVAL' },
};

/** Local mode's approvers, granted in the roles store at start unless someone changed their grant since. */
const LOCAL_APPROVERS = [
  { platform: 'teams' as const, userId: teamsId(APPROVER), displayName: APPROVER.name },
  { platform: 'slack' as const, userId: slackId(slackApprover.id), displayName: slackApprover.realName },
];

/**
 * People of the Playground roster who have no Microsoft 365 account in the demo tenant yet: new hires in the
 * directory, so `bind` has someone to create.
 */
const NEW_HIRES: readonly { person: TeamsPerson; jobTitle: string; department: string }[] = [
  { person: OTHER_USERS[0] as TeamsPerson, jobTitle: 'Data Analyst', department: 'Finance' },
  { person: OTHER_USERS[1] as TeamsPerson, jobTitle: 'Account Executive', department: 'Sales' },
  { person: OTHER_USERS[3] as TeamsPerson, jobTitle: 'Software Engineer', department: 'Engineering' },
];

export const LOCAL_NEW_HIRE_EMAILS: readonly string[] = NEW_HIRES.map((hire) => hire.person.email);

export interface LocalServices {
  /** The in-process sandbox tenant (when Microsoft Graph is not configured). */
  sandbox: Sandbox | undefined;
  /** The loopback Slack Web API (when chat runs locally). */
  slackApi: SlackApi | undefined;
  close(): Promise<void>;
}

/** Starts the stand-ins the modes ask for, on loopback; closes what started if a later one fails. */
export async function startLocalServices(modes: Modes): Promise<LocalServices> {
  const sandbox = modes.graph === 'local' ? await startSandbox({ size: 'demo' }) : undefined;
  let slackApi: SlackApi | undefined;
  try {
    slackApi = modes.slack === 'local' ? await startSlackApi() : undefined;
  } catch (error) {
    await sandbox?.close();
    throw error;
  }
  return {
    sandbox,
    slackApi,
    async close() {
      await slackApi?.close();
      await sandbox?.close();
    },
  };
}

/** The Slack adapter against the stand-in: the local bot's token, ids and signing secret. */
export function localSlackOptions(slackApi: SlackApi): SlackAdapterOptionsInput {
  return {
    signingSecret: new Secret(LOCAL_SLACK_SIGNING_SECRET),
    botToken: new Secret(LOCAL_SLACK_BOT.token),
    apiUrl: slackApi.apiUrl,
    botId: LOCAL_SLACK_BOT.botId,
    botUserId: LOCAL_SLACK_BOT.userId,
  };
}

/** Grants the local approvers their role, unless a grant exists (an admin may have changed it in chat). */
export async function seedLocalRoles(roles: ChatRoles, clock: Clock): Promise<void> {
  const grantedBy = { platform: 'teams' as const, id: teamsId(FIRST_ADMIN), displayName: FIRST_ADMIN.name };
  const role: Role = 'approver';
  for (const approver of LOCAL_APPROVERS) {
    if ((await roles.get(approver.platform, approver.userId)) !== null) continue;
    await roles.put({ ...approver, role, grantedBy, grantedAt: clock.now() });
  }
}

function newHire({ person, jobTitle, department }: (typeof NEW_HIRES)[number]): NewDirectoryUser {
  return {
    email: person.email,
    givenName: person.givenName,
    surname: person.surname,
    displayName: person.name,
    jobTitle,
    department,
    company: 'Contoso',
    addresses: [],
    phoneNumbers: [],
    employeeId: null,
    usageLocation: null,
    password: null,
    source: 'created',
    importedFromM365Id: null,
  };
}

/** Adds the new hires to the directory once (a later start finds them there and leaves them as they are). */
export async function seedNewHires(users: DirectoryUsers): Promise<void> {
  for (const hire of NEW_HIRES) {
    if ((await users.findByEmail(hire.person.email)) === null) await users.insert(newHire(hire));
  }
}
