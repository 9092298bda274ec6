import type { z } from 'zod';
import type { CardModelInput } from '../../cards/model.js';
import type { Engine } from '../engine/engine.js';
import type { Actor } from '../engine/model.js';
import type { AuditLog, Clock } from '../engine/ports.js';
import type { Progress } from '../engine/results.js';
import { ArgumentError, firstIssue, type OptionSpec, type ParsedLine } from './arguments.js';
import type { RequestOutcome, Role } from './model.js';
import type { ChatJobs, ChatStores, DirectoryReader } from './ports.js';
import type { Rbac } from './rbac.js';
import type { ApprovalMode, ChatSettings } from './settings.js';
import type { ChatUser, ConversationRef } from './types.js';

/**
 * What one chat command is: its words, the role it needs, how its arguments are parsed (zod), and either an
 * immediate answer (read-only commands) or a plan — the engine's dry run — and the real run (mutating
 * commands, which wait for confirmation or approval in between).
 */

/** A command's parsed arguments: its zod schema's output, stored with a request and re-validated on use. */
export type StoredArgs = Record<string, unknown>;

export interface ParseContext {
  user: ChatUser;
  /** Other users the message mentioned, in order (adapters fill CommandRequest.mentions). */
  mentions: readonly ChatUser[];
  /** The digest's default local time and zone (settings). */
  defaults: { time: string; timeZone: string };
}

export interface CommandContext {
  engine: Engine;
  directory: DirectoryReader;
  stores: ChatStores;
  jobs: ChatJobs;
  audit: AuditLog;
  rbac: Rbac;
  settings: ChatSettings;
  clock: Clock;
  user: ChatUser;
  conversation: ConversationRef;
  /** The engine's actor for this user: operations run as the person who asked. */
  actor: Actor;
  /** Every command (for help). */
  commands: readonly ChatCommand[];
}

export interface CommandMeta {
  /** One word, or two for sub-commands ("admins grant"). */
  name: string;
  summary: string;
  usage: string;
  example: string;
  role: Role;
  /** Anyone may run it, with or without a role (help). */
  everyone?: boolean;
  options: OptionSpec;
}

export interface Answer {
  card: CardModelInput;
  /** A file posted beside the card (audit --csv). */
  file?: { filename: string; content: string };
}

export interface Plan {
  /** The card body: what will change, per user, with counts. */
  content: CardModelInput;
  /** One line for lists, audit and the digest. */
  summary: string;
  /** Users touched (the bulk threshold applies to it). */
  targets: number;
  /** What will run, when planning resolved it (import --all-new → the new users' addresses). */
  args?: StoredArgs;
  /** Nothing to approve (nothing would change, or the request can't be made): no request, the card says why. */
  refusal?: string;
}

export interface ExecutionHooks {
  /** The engine's idempotency key: the request id, so a resumed run never repeats a finished user. */
  operationId: string;
  actor: Actor;
  signal: AbortSignal;
  onProgress: (progress: Progress) => void;
  /** Shows a card to the requester only (never the conversation); false when it could not be delivered. */
  deliverPrivately: (card: CardModelInput) => Promise<boolean>;
}

export interface Execution {
  content: CardModelInput;
  outcome: RequestOutcome;
  /** The run as a whole failed (stopped early), rather than some users. */
  failed: boolean;
}

export interface ReadCommand extends CommandMeta {
  kind: 'read';
  /** Reads Microsoft 365: answered with a "working" card, filled in when the answer is ready. */
  slow: boolean;
  parse(line: ParsedLine, context: ParseContext): StoredArgs;
  answer(context: CommandContext, args: StoredArgs): Promise<Answer>;
}

export interface MutatingCommand extends CommandMeta {
  kind: 'mutating';
  approval: ApprovalMode;
  /** Always a second admin (role admin, never the requester), whatever the settings say: disconnect. */
  alwaysSecondAdmin: boolean;
  parse(line: ParsedLine, context: ParseContext): StoredArgs;
  plan(context: CommandContext, args: StoredArgs): Promise<Plan>;
  execute(context: CommandContext, args: StoredArgs, hooks: ExecutionHooks): Promise<Execution>;
  /** The same command for only these users ("Retry failed"); absent when it does not take users. */
  retryArgs?(args: StoredArgs, emails: readonly string[]): StoredArgs;
}

export type ChatCommand = ReadCommand | MutatingCommand;

type ArgsSchema = z.ZodType<StoredArgs>;

function parser<S extends ArgsSchema>(
  schema: S,
  input: (line: ParsedLine, context: ParseContext) => z.input<S>,
): (line: ParsedLine, context: ParseContext) => StoredArgs {
  return (line, context) => {
    const parsed = schema.safeParse(input(line, context));
    if (!parsed.success) throw new ArgumentError(firstIssue(parsed.error));
    return parsed.data;
  };
}

export interface ReadSpec<S extends ArgsSchema> extends CommandMeta {
  slow?: boolean;
  schema: S;
  input: (line: ParsedLine, context: ParseContext) => z.input<S>;
  answer: (context: CommandContext, args: z.output<S>) => Promise<Answer>;
}

export function defineRead<S extends ArgsSchema>(spec: ReadSpec<S>): ReadCommand {
  const { schema, input, answer, slow, ...meta } = spec;
  return {
    ...meta,
    kind: 'read',
    slow: slow ?? false,
    parse: parser(schema, input),
    answer: (context, args) => answer(context, schema.parse(args)),
  };
}

export interface MutatingSpec<S extends ArgsSchema> extends CommandMeta {
  approval?: ApprovalMode;
  alwaysSecondAdmin?: boolean;
  schema: S;
  input: (line: ParsedLine, context: ParseContext) => z.input<S>;
  plan: (context: CommandContext, args: z.output<S>) => Promise<Plan>;
  execute: (context: CommandContext, args: z.output<S>, hooks: ExecutionHooks) => Promise<Execution>;
  retryArgs?: (args: z.output<S>, emails: readonly string[]) => z.output<S>;
}

export function defineMutating<S extends ArgsSchema>(spec: MutatingSpec<S>): MutatingCommand {
  const { schema, input, plan, execute, retryArgs, approval, alwaysSecondAdmin, ...meta } = spec;
  const command: MutatingCommand = {
    ...meta,
    kind: 'mutating',
    approval: approval ?? 'self-confirm',
    alwaysSecondAdmin: alwaysSecondAdmin ?? false,
    parse: parser(schema, input),
    plan: (context, args) => plan(context, schema.parse(args)),
    execute: (context, args, hooks) => execute(context, schema.parse(args), hooks),
  };
  if (retryArgs !== undefined) {
    command.retryArgs = (args, emails) => retryArgs(schema.parse(args), emails);
  }
  return command;
}
