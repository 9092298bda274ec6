import type { ChatCommand, MutatingCommand } from './command.js';
import { closest } from './distance.js';
import { tokenize, type Token } from './tokenizer.js';

/**
 * Every command by name, and the step from a line of text to a command: one word ("bind") or a group and
 * its sub-command ("admins grant"). A word that names nothing gets the closest name as a suggestion.
 */

export type Resolution =
  | { kind: 'empty' }
  | { kind: 'unknown'; word: string; suggestion: string | undefined; group?: string }
  | { kind: 'ok'; command: ChatCommand; rest: Token[] };

/** What a group name alone means ("admins" → "admins list"). */
const GROUP_DEFAULTS: Readonly<Record<string, string>> = { admins: 'admins list' };

export class CommandRegistry {
  private readonly byName = new Map<string, ChatCommand>();

  constructor(readonly commands: readonly ChatCommand[]) {
    for (const command of commands) {
      if (this.byName.has(command.name)) throw new Error(`Two commands are named "${command.name}".`);
      this.byName.set(command.name, command);
    }
  }

  get(name: string): ChatCommand | undefined {
    return this.byName.get(name.toLowerCase());
  }

  mutating(name: string): MutatingCommand | undefined {
    const command = this.get(name);
    return command?.kind === 'mutating' ? command : undefined;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  private groupMembers(group: string): string[] {
    return this.names().filter((name) => name.startsWith(`${group} `));
  }

  resolve(text: string): Resolution {
    const tokens = tokenize(text);
    const [first, second] = tokens;
    if (first === undefined) return { kind: 'empty' };
    const word = first.text.toLowerCase().replace(/^\//, '');
    const pair = second === undefined ? undefined : this.get(`${word} ${second.text.toLowerCase()}`);
    if (pair !== undefined) return { kind: 'ok', command: pair, rest: tokens.slice(2) };
    const single = this.get(word);
    if (single !== undefined) return { kind: 'ok', command: single, rest: tokens.slice(1) };
    const members = this.groupMembers(word);
    if (members.length > 0) {
      const fallback = GROUP_DEFAULTS[word];
      const command = fallback === undefined ? undefined : this.get(fallback);
      if (second === undefined && command !== undefined) return { kind: 'ok', command, rest: [] };
      const sub = second?.text.toLowerCase() ?? '';
      return {
        kind: 'unknown',
        word: `${word} ${sub}`.trim(),
        suggestion: closest(`${word} ${sub}`, members),
        group: word,
      };
    }
    return { kind: 'unknown', word, suggestion: closest(word, this.names()) };
  }
}
