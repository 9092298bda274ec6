import { z } from 'zod';
import type { CardModelInput } from '../../../cards/model.js';
import { clipped } from '../cards.js';
import { defineRead, type ChatCommand, type CommandContext } from '../command.js';
import { closest } from '../distance.js';
import { atLeast } from '../rbac.js';

/** help [command]: every command with what it does and the role it needs, or one command in detail. */

function approvalText(command: ChatCommand, context: CommandContext): string {
  if (command.kind === 'read') return 'none (read-only, answers at once)';
  if (command.alwaysSecondAdmin) return 'always a second admin';
  const mode = context.settings.approvals.commands[command.name] ?? command.approval;
  const bulk = `; above ${context.settings.approvals.bulkThreshold} users, ${context.settings.approvals.bulkApprovers} approvers`;
  return `${mode === 'self-confirm' ? 'you confirm' : 'a second admin approves'}${bulk}`;
}

function detail(command: ChatCommand, context: CommandContext): CardModelInput {
  return {
    title: `help ${command.name}`,
    subtitle: command.summary,
    facts: [
      { label: 'Usage', value: command.usage },
      { label: 'Example', value: command.example },
      { label: 'Role needed', value: command.role },
      { label: 'Approval', value: approvalText(command, context) },
    ],
  };
}

async function overview(context: CommandContext): Promise<CardModelInput> {
  const role = await context.rbac.roleOf(context.user);
  const rows = context.commands.map((command) => [
    command.usage,
    command.summary,
    atLeast(role, command.role) ? command.role : `${command.role} (not you)`,
  ]);
  return {
    title: 'Commands',
    subtitle: `Your role: ${role ?? 'none yet (ask an admin)'}. Several users at once: separate the addresses with commas or spaces.`,
    tables: [{ columns: ['Command', 'What it does', 'Role'], rows }],
    notes: [
      {
        text: 'Commands that change something first show what will happen and wait for Confirm or Approve. Type "help <command>" for details.',
      },
    ],
  };
}

export const help = defineRead({
  name: 'help',
  summary: 'Lists the commands, or explains one.',
  usage: 'help [command]',
  example: 'help bind',
  role: 'viewer',
  everyone: true,
  options: {},
  schema: z.object({ command: z.string().optional() }),
  input: (line) => ({ ...(line.words.length > 0 ? { command: line.words.join(' ').toLowerCase() } : {}) }),
  async answer(context, args) {
    if (args.command === undefined) return { card: await overview(context) };
    const command = context.commands.find((candidate) => candidate.name === args.command);
    if (command !== undefined) return { card: detail(command, context) };
    const names = context.commands.map((candidate) => candidate.name);
    const suggestion = closest(args.command, names);
    return {
      card: {
        title: 'help',
        tone: 'warning',
        notes: [
          {
            text: `There is no command "${clipped(args.command)}"${suggestion === undefined ? '' : `; did you mean "${suggestion}"`}?`,
            tone: 'warning',
          },
        ],
      },
    };
  },
});
