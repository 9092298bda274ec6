import { z } from 'zod';
import { toCsv } from '../../../cards/csv.js';
import type { AuditEvent } from '../../engine/model.js';
import { ArgumentError, emailSchema, hasFlag } from '../arguments.js';
import { formatWhen } from '../cards.js';
import { defineRead } from '../command.js';

/**
 * audit [email] [--csv]: the newest audit events (of one user, when named): who did what, when, with which
 * outcome. --csv also posts them as a file. Audit events never hold passwords or other secrets.
 */

const CARD_LIMIT = 200;
const CSV_LIMIT = 1000;
const COLUMNS = ['When', 'Who', 'Action', 'Target', 'Outcome', 'Detail'];

function row(event: AuditEvent): string[] {
  return [
    formatWhen(event.at),
    event.actor.displayName,
    event.action,
    event.target ?? '',
    event.outcome,
    event.detail ?? '',
  ];
}

export const audit = defineRead({
  name: 'audit',
  summary: 'Shows the audit log (of one user, when named); --csv posts it as a file.',
  usage: 'audit [email] [--csv]',
  example: 'audit alice@contoso.com --csv',
  role: 'viewer',
  options: { csv: 'flag' },
  schema: z.object({ email: emailSchema.optional(), csv: z.boolean() }),
  input: (line) => {
    if (line.words.length > 1) throw new ArgumentError('audit takes at most one user.');
    const [email] = line.words;
    return { ...(email === undefined ? {} : { email }), csv: hasFlag(line, 'csv') };
  },
  async answer(context, args) {
    const events = await context.audit.query({
      ...(args.email === undefined ? {} : { target: args.email }),
      limit: args.csv ? CSV_LIMIT : CARD_LIMIT,
    });
    const rows = events.map(row);
    const filename = args.email === undefined ? 'audit.csv' : 'audit-user.csv';
    return {
      card: {
        title: args.email === undefined ? 'Audit log' : `Audit log of ${args.email}`,
        subtitle: `The newest ${rows.length} events, newest first.`,
        tables: rows.length > 0 ? [{ columns: COLUMNS, rows }] : [],
        notes: [
          ...(rows.length === 0 ? [{ text: 'No events.' }] : []),
          ...(args.csv ? [{ text: `The list is attached as ${filename}.` }] : []),
        ],
      },
      ...(args.csv ? { file: { filename, content: toCsv(COLUMNS, rows) } } : {}),
    };
  },
});
