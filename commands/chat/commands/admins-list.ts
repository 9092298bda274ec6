import { z } from 'zod';
import { noWords } from '../arguments.js';
import { formatWhen } from '../cards.js';
import { defineRead } from '../command.js';

/** admins list: who holds which role (the admins from the settings first). */

export const adminsList = defineRead({
  name: 'admins list',
  summary: 'Lists who holds which role.',
  usage: 'admins list',
  example: 'admins list',
  role: 'viewer',
  options: {},
  schema: z.object({}),
  input: (line) => {
    noWords(line, 'admins list');
    return {};
  },
  async answer(context) {
    const grants = await context.stores.roles.list();
    const configured = context.settings.firstAdmins.map((admin) => [
      admin.id,
      admin.platform,
      'admin',
      'configuration',
    ]);
    const stored = grants
      .filter((grant) => !context.rbac.isConfiguredAdmin({ platform: grant.platform, id: grant.userId }))
      .map((grant) => [
        grant.displayName,
        grant.platform,
        grant.role,
        `${grant.grantedBy.displayName}, ${formatWhen(grant.grantedAt)}`,
      ]);
    return {
      card: {
        title: 'Roles',
        subtitle: 'viewer < operator < approver < admin',
        tables: [{ columns: ['Who', 'Platform', 'Role', 'Granted by'], rows: [...configured, ...stored] }],
        notes:
          context.settings.defaultRole === null
            ? []
            : [{ text: `Everyone else is a ${context.settings.defaultRole}.` }],
      },
    };
  },
});
