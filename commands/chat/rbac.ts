import { ROLES, type Role } from './model.js';
import type { ChatRoles } from './ports.js';
import type { ChatSettings } from './settings.js';
import type { Platform } from './types.js';

/**
 * Roles, bound to ChatUser.id (never to names or typed e-mail addresses): viewer < operator < approver < admin.
 * viewer runs read-only commands; operator requests changes; approver approves other people's requests;
 * admin manages roles, the digest and the connection. Admins listed in the settings are admins whatever
 * the database says, so the bot can never lose its last admin through chat.
 */

export const ROLE_RANK: Readonly<Record<Role, number>> = { viewer: 1, operator: 2, approver: 3, admin: 4 };

export function atLeast(role: Role | null, needed: Role): boolean {
  return role !== null && ROLE_RANK[role] >= ROLE_RANK[needed];
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

function article(role: Role): string {
  return role === 'operator' || role === 'approver' || role === 'admin' ? `an ${role}` : `a ${role}`;
}

export interface UserKey {
  platform: Platform;
  id: string;
}

export interface Rbac {
  roleOf(user: UserKey): Promise<Role | null>;
  isConfiguredAdmin(user: UserKey): boolean;
  /** null when `user` holds `needed`, else the one sentence that says why not. `what`: "run bind". */
  refusal(user: UserKey, needed: Role, what: string): Promise<string | null>;
  /** Admins in the database plus those in the settings. */
  adminCount(): Promise<number>;
}

export function refusalFor(role: Role | null, needed: Role, what: string): string | null {
  if (atLeast(role, needed)) return null;
  if (role === null) {
    return `You have no role in this bot, so you can't ${what}; ask an admin to grant you one with "admins grant".`;
  }
  return `To ${what} you need the ${needed} role, and you are ${article(role)}.`;
}

export function createRbac(roles: ChatRoles, settings: ChatSettings): Rbac {
  const isConfiguredAdmin = (user: UserKey): boolean =>
    settings.firstAdmins.some((admin) => admin.platform === user.platform && admin.id === user.id);
  const roleOf = async (user: UserKey): Promise<Role | null> => {
    if (isConfiguredAdmin(user)) return 'admin';
    const grant = await roles.get(user.platform, user.id);
    return grant?.role ?? settings.defaultRole;
  };
  return {
    roleOf,
    isConfiguredAdmin,
    refusal: async (user, needed, what) => refusalFor(await roleOf(user), needed, what),
    async adminCount() {
      const stored = (await roles.list()).filter(
        (grant) =>
          grant.role === 'admin' && !isConfiguredAdmin({ platform: grant.platform, id: grant.userId }),
      );
      const configured = new Set(settings.firstAdmins.map((admin) => `${admin.platform}/${admin.id}`));
      return stored.length + configured.size;
    },
  };
}
