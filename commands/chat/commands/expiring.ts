import { z } from 'zod';
import { ArgumentError } from '../arguments.js';
import { formatWhen } from '../cards.js';
import { defineRead } from '../command.js';

/**
 * expiring [days]: bound users whose directory password expires within the next `days` days (7 by default),
 * soonest first, already expired ones included. When it expires, the Microsoft 365 account is suspended until
 * the password is reset (the seed).
 */

export const DEFAULT_EXPIRING_DAYS = 7;

export const expiring = defineRead({
  name: 'expiring',
  summary: 'Lists passwords that expire soon (their Microsoft 365 accounts are then suspended).',
  usage: 'expiring [days]',
  example: 'expiring 14',
  role: 'viewer',
  // It reads every bound user's password state: with many thousands that takes a while, so it answers later.
  slow: true,
  options: {},
  schema: z.object({
    days: z
      .number({ error: 'days must be a whole number such as 14' })
      .int('days must be a whole number such as 14')
      .min(0, 'days cannot be negative')
      .max(3650, 'days must be at most 3650'),
  }),
  input: (line) => {
    if (line.words.length > 1) throw new ArgumentError('expiring takes one number of days.');
    const [word] = line.words;
    return { days: word === undefined ? DEFAULT_EXPIRING_DAYS : Number(word) };
  },
  async answer(context, args) {
    const found = await context.engine.expiring(args.days);
    const rows = found.map((entry) => [
      entry.email,
      entry.displayName,
      formatWhen(entry.expiresAt),
      entry.expired ? `expired (${entry.state})` : entry.state,
    ]);
    return {
      card: {
        title: `Passwords expiring within ${args.days} ${args.days === 1 ? 'day' : 'days'}`,
        tone: found.some((entry) => entry.expired) ? 'warning' : 'info',
        facts: [
          { label: 'Expiring', value: String(found.filter((entry) => !entry.expired).length) },
          { label: 'Already expired', value: String(found.filter((entry) => entry.expired).length) },
        ],
        tables: rows.length > 0 ? [{ columns: ['User', 'Name', 'Expires', 'State'], rows }] : [],
        notes:
          rows.length === 0
            ? [{ text: 'No password expires in that time.' }]
            : [
                {
                  text: 'Resetting a password (password-reset) renews it and re-activates a suspended account.',
                },
              ],
      },
    };
  },
});
