import { z } from 'zod';
import type { PreviewRow } from '../../engine/classify.js';
import { ArgumentError, hasFlag, optionValue, type ParsedLine } from '../arguments.js';
import { clipped } from '../cards.js';
import { defineRead } from '../command.js';

/**
 * import-preview [--new|--conflicts|--all] [--domain d] [--department d] [text]: who in Microsoft 365 would
 * be imported, each with one status — unlike the seed's import screen, already-imported users are hidden
 * unless --all asks for them, and the counts still cover every status.
 */

const STATUS_FLAGS = ['new', 'conflicts', 'all'] as const;

function statusOf(line: ParsedLine): (typeof STATUS_FLAGS)[number] | undefined {
  const given = STATUS_FLAGS.filter((flag) => hasFlag(line, flag));
  if (given.length > 1) throw new ArgumentError('Choose one of --new, --conflicts and --all.');
  return given[0];
}

function row(entry: PreviewRow): string[] {
  return [
    entry.displayName,
    entry.email ?? entry.userPrincipalName,
    entry.status,
    entry.department ?? '',
    entry.reason ?? (entry.onPremisesSynced ? 'synchronised from on-premises AD' : ''),
  ];
}

export const importPreview = defineRead({
  name: 'import-preview',
  summary: 'Shows which Microsoft 365 users an import would add, with conflicts and skips.',
  usage: 'import-preview [--new|--conflicts|--all] [--domain d] [--department d] [text]',
  example: 'import-preview --new --domain contoso.com --department Sales',
  role: 'viewer',
  slow: true,
  options: { new: 'flag', conflicts: 'flag', all: 'flag', domain: 'value', department: 'value' },
  schema: z.object({
    status: z.enum(STATUS_FLAGS).optional(),
    domain: z
      .string()
      .regex(/^@?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, '--domain needs a domain name such as contoso.com')
      .optional(),
    department: z.string().min(1).optional(),
    text: z.string().min(1).optional(),
  }),
  input: (line) => {
    const status = statusOf(line);
    const domain = optionValue(line, 'domain');
    const department = optionValue(line, 'department');
    return {
      ...(status === undefined ? {} : { status }),
      ...(domain === undefined ? {} : { domain }),
      ...(department === undefined ? {} : { department }),
      ...(line.words.length > 0 ? { text: line.words.join(' ') } : {}),
    };
  },
  async answer(context, args) {
    const preview = await context.engine.importPreview(args, { limit: context.settings.listLimit });
    const { counts } = preview;
    const shown = args.status === undefined ? 'new, conflicts and skipped' : args.status;
    return {
      card: {
        title: 'Import preview',
        subtitle: `Showing ${shown} users${args.text === undefined ? '' : ` matching "${clipped(args.text)}"`}.`,
        facts: [
          { label: 'New', value: String(counts.new) },
          { label: 'Conflicts', value: String(counts.conflict) },
          { label: 'Already imported', value: String(counts['already-imported']) },
          { label: 'Skipped', value: String(counts.skipped) },
          { label: 'Shown', value: String(counts.matching) },
        ],
        tables: [
          { columns: ['Name', 'E-mail', 'Status', 'Department', 'Note'], rows: preview.rows.map(row) },
        ],
        notes: preview.truncated
          ? [
              {
                text: `Only the first ${preview.rows.length} of ${counts.matching} are listed; narrow the filter.`,
              },
            ]
          : [],
      },
    };
  },
});
