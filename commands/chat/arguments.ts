import { z } from 'zod';
import type { Token } from './tokenizer.js';

/**
 * Options and positional words of one command line, and the one-sentence errors bad arguments get. Every
 * command declares its options; anything else starting with "--" is refused, so a typo never silently
 * becomes an e-mail address or is ignored.
 */

export type OptionKind = 'flag' | 'value';
export type OptionSpec = Readonly<Record<string, OptionKind>>;

export interface ParsedLine {
  words: string[];
  options: Record<string, string | true>;
}

/** Bad arguments: `message` is one sentence saying what is wrong; the reply adds the command's example. */
export class ArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentError';
  }
}

function optionName(token: Token): string | null {
  if (token.quoted || !token.text.startsWith('--') || token.text.length < 3) return null;
  return token.text.slice(2);
}

/**
 * Longer than any value a command takes (an e-mail address is at most 254 characters): such a word is refused
 * here, before any rule quotes it back in a sentence.
 */
export const MAX_WORD_CHARACTERS = 1000;

function wordTooLong(tokens: readonly Token[]): ArgumentError | null {
  const longest = tokens.reduce((most, token) => Math.max(most, token.text.length), 0);
  if (longest <= MAX_WORD_CHARACTERS) return null;
  return new ArgumentError(
    `One word is ${longest.toLocaleString('en-US')} characters long; no command takes a word longer than ${MAX_WORD_CHARACTERS.toLocaleString('en-US')}.`,
  );
}

/** Splits tokens into positional words and declared options (`--flag`, `--name value`, `--name=value`). */
export function parseLine(tokens: readonly Token[], spec: OptionSpec, command: string): ParsedLine {
  const tooLong = wordTooLong(tokens);
  if (tooLong !== null) throw tooLong;
  const line: ParsedLine = { words: [], options: {} };
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (token === undefined) break;
    const raw = optionName(token);
    if (raw === null) {
      line.words.push(token.text);
      continue;
    }
    const [name = '', inline] = raw.split(/=(.*)/s, 2);
    const kind = spec[name.toLowerCase()];
    if (kind === undefined) throw new ArgumentError(`--${name} is not an option of ${command}.`);
    if (kind === 'flag') {
      if (inline !== undefined) throw new ArgumentError(`--${name} takes no value.`);
      line.options[name.toLowerCase()] = true;
      continue;
    }
    const next = tokens[index + 1];
    const value = inline ?? (next !== undefined && optionName(next) === null ? next.text : undefined);
    if (value === undefined || value.trim() === '') throw new ArgumentError(`--${name} needs a value.`);
    if (inline === undefined) index += 1;
    line.options[name.toLowerCase()] = value;
  }
  return line;
}

export function optionValue(line: ParsedLine, name: string): string | undefined {
  const value = line.options[name];
  return typeof value === 'string' ? value : undefined;
}

export function hasFlag(line: ParsedLine, name: string): boolean {
  return line.options[name] === true;
}

/** The first problem zod found, as the one sentence the admin reads. */
export function firstIssue(error: z.ZodError): string {
  const message = error.issues[0]?.message ?? 'the arguments are not valid';
  const sentence = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/** Most users one command line may name (bigger sets: import --all-new, or several commands). */
export const MAX_EMAILS = 2000;

export const emailSchema = z
  .string()
  .trim()
  .pipe(z.email({ error: (issue) => `"${String(issue.input)}" is not an e-mail address` }));

function distinctEmails(emails: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const email of emails) if (!seen.has(email.toLowerCase())) seen.set(email.toLowerCase(), email);
  return [...seen.values()];
}

const TOO_MANY = `name at most ${MAX_EMAILS} users at once`;

/** Any number of e-mail addresses (also none), duplicates (ignoring case) removed. */
export const emailArraySchema = z.array(emailSchema).max(MAX_EMAILS, TOO_MANY).transform(distinctEmails);

/** One or more e-mail addresses, duplicates (ignoring case) removed. */
export const emailListSchema = z
  .array(emailSchema)
  .min(1, 'name at least one user by e-mail address')
  .max(MAX_EMAILS, TOO_MANY)
  .transform(distinctEmails);

/** No positional words allowed. */
export function noWords(line: ParsedLine, command: string): void {
  const [first] = line.words;
  if (first !== undefined) throw new ArgumentError(`${command} takes no "${first}".`);
}
