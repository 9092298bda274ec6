import { z } from 'zod';
import type { CardModelInput } from '../../../cards/model.js';
import { BINDING_STATES } from '../../engine/model.js';
import { emailSchema } from '../arguments.js';
import { formatWhen } from '../cards.js';
import { defineRead, type CommandContext } from '../command.js';

/**
 * status [email …]: without addresses, the Microsoft 365 connection and the binding counts; with addresses,
 * each user's directory record, binding and password expiry. Reads the bot's own directory only (no Graph).
 */

const MAX_STATUS_USERS = 100;

async function connectionCard(context: CommandContext): Promise<CardModelInput> {
  const status = await context.engine.status();
  const facts = [
    { label: 'Microsoft 365', value: status.status },
    ...(status.connection === null
      ? []
      : [
          { label: 'Tenant', value: status.connection.tenantId },
          { label: 'Since', value: formatWhen(status.connection.since) },
          { label: 'Authorised by', value: status.connection.authorisedBy.displayName },
        ]),
    ...BINDING_STATES.map((state) => ({ label: state, value: String(status.bindings[state]) })),
  ];
  return {
    title: 'Status',
    tone: status.status === 'active' ? 'success' : 'warning',
    facts,
    notes:
      status.status === 'active'
        ? []
        : [{ text: 'Not connected: nothing can be provisioned until the connection is made again.' }],
  };
}

async function userRow(context: CommandContext, email: string): Promise<string[]> {
  const user = await context.directory.users.findByEmail(email);
  if (user === null) return [email, 'not in the directory', '', ''];
  const binding = await context.directory.bindings.get(user.id);
  const expires = user.password?.expiresAt ?? null;
  return [
    user.email,
    `${user.displayName} (${user.source})`,
    binding === null ? 'not bound' : binding.state,
    expires === null ? 'never' : formatWhen(expires),
  ];
}

export const status = defineRead({
  name: 'status',
  summary: 'Shows the connection and binding counts, or the state of the users named.',
  usage: 'status [email …]',
  example: 'status alice@contoso.com',
  role: 'viewer',
  options: {},
  schema: z.object({
    emails: z.array(emailSchema).max(MAX_STATUS_USERS, `name at most ${MAX_STATUS_USERS} users at once`),
  }),
  input: (line) => ({ emails: line.words }),
  async answer(context, args) {
    if (args.emails.length === 0) return { card: await connectionCard(context) };
    const rows = await Promise.all(args.emails.map((email) => userRow(context, email)));
    return {
      card: {
        title: args.emails.length === 1 ? `Status of ${args.emails[0] ?? ''}` : 'Status',
        tables: [{ columns: ['User', 'Directory', 'Binding', 'Password expires'], rows }],
      },
    };
  },
});
