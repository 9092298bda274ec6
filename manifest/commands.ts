/**
 * The chat commands as the app manifests advertise them: the Teams command menus and the Slack slash command.
 * The bot's command language (commands/) is the authority on what runs; these are the menu entries.
 */
export const SLASH_COMMAND = '/m365';

export interface AdvertisedCommand {
  title: string;
  description: string;
}

export const ADVERTISED_COMMANDS: readonly AdvertisedCommand[] = [
  { title: 'help', description: 'List the commands, or explain one: help bind' },
  { title: 'status', description: 'Show one user: status anna@contoso.com' },
  { title: 'import-preview', description: 'Who would be imported: import-preview --new --department Sales' },
  {
    title: 'import',
    description: 'Copy Microsoft 365 users into the directory: import anna@contoso.com, or import --all-new',
  },
  {
    title: 'bind',
    description: 'Give a directory user a Microsoft 365 account: bind anna@contoso.com --license E3',
  },
  { title: 'unbind', description: 'Block sign-in and stop managing the account: unbind anna@contoso.com' },
  { title: 'block', description: 'Block sign-in: block anna@contoso.com' },
  { title: 'unblock', description: 'Allow sign-in again: unblock anna@contoso.com' },
  {
    title: 'password-reset',
    description: 'New temporary password, shown only to you: password-reset anna@contoso.com',
  },
  { title: 'expiring', description: 'Passwords expiring soon: expiring 14' },
  {
    title: 'reconcile',
    description: 'Compare Microsoft 365 with the directory: reconcile, or reconcile --fix',
  },
  { title: 'audit', description: 'Who changed what: audit anna@contoso.com --csv' },
  { title: 'approvals', description: 'Requests waiting for approval' },
  { title: 'digest', description: 'Daily summary here: digest subscribe 08:00 Europe/Stockholm' },
  { title: 'disconnect', description: 'Disconnect the Microsoft 365 tenant (needs a second admin)' },
  { title: 'admins', description: 'Roles: admins list | grant <user> <role> | revoke <user>' },
];

/**
 * Teams shows at most 12 commands per list and one list per scope (schema v1.30), so each scope's menu leaves
 * some commands out; they still work when typed, and `help` lists them all. password-reset is personal-only:
 * its answer must never appear in a channel.
 */
export const PERSONAL_MENU = [
  'help',
  'status',
  'import-preview',
  'import',
  'bind',
  'unbind',
  'block',
  'unblock',
  'password-reset',
  'expiring',
  'approvals',
  'audit',
] as const;

export const TEAM_AND_GROUP_MENU = [
  'help',
  'status',
  'import-preview',
  'import',
  'bind',
  'unbind',
  'block',
  'unblock',
  'expiring',
  'reconcile',
  'approvals',
  'digest',
] as const;
