import type { CommandMeta } from '../commands/chat/command.js';
import { CHAT_COMMANDS } from '../commands/chat/commands/index.js';

/**
 * The chat commands as the app manifests advertise them: the Teams command menus and the Slack slash command.
 * The command registry (commands/chat/commands/, one file per command) is the one source: a menu entry is a
 * registry command, titled with its name and described with its help summary, so the menu cannot drift from
 * what the bot does. This file only chooses which commands each Teams menu shows.
 */
export const SLASH_COMMAND = '/m365';

export interface AdvertisedCommand {
  title: string;
  description: string;
}

/** The help summary, then the example when it shows more than the bare command name. */
export function menuDescription(command: Pick<CommandMeta, 'name' | 'summary' | 'example'>): string {
  return command.example === command.name
    ? command.summary
    : `${command.summary} Example: ${command.example}`;
}

/** Every registry command, in help's order. */
export const ADVERTISED_COMMANDS: readonly AdvertisedCommand[] = CHAT_COMMANDS.map((command) => ({
  title: command.name,
  description: menuDescription(command),
}));

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
  'digest subscribe',
] as const;

/**
 * Registry commands on neither menu, on purpose: rarely used administration, typed when needed (help lists
 * them). A new registry command must be put on a menu or here (test/manifest/command-menu.test.ts).
 */
export const TYPED_ONLY = [
  'digest unsubscribe',
  'disconnect',
  'admins list',
  'admins grant',
  'admins revoke',
] as const;
