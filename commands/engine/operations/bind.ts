import { z } from 'zod';
import { InvalidInputError } from '../../errors.js';
import type { EngineContext } from '../context.js';
import { actorSchema, type Actor, type Binding } from '../model.js';
import type { OperationReport, UserResult } from '../results.js';
import { runBulk, runOne, type RunOptions } from '../runner.js';
import type { HandlerResult, UserTask } from '../task.js';
import { bindNewAccount, continueCreatedAccount, createdEarlier } from './bind-create.js';
import { takeOverAccount } from './bind-takeover.js';
import { LicencePool } from './licence.js';
import type { AddressRetryOptions } from './link.js';
import { loadDirectoryUser } from './shared.js';

/**
 * Bind: puts directory users in charge of their Microsoft 365 accounts — taking an existing account over, or
 * creating one — optionally licensed, with a welcome message by default (the seed: binding sends one).
 */

export const bindOptionsSchema = z.object({
  /** A skuId or skuPartNumber ('SPE_E3'); seats are checked before any assignment. */
  licenceSku: z.string().trim().min(1).optional(),
  /** false suppresses the welcome message for this call. */
  welcome: z.boolean().default(true),
});
export type BindOptions = z.input<typeof bindOptionsSchema>;

/** What one bind call shares across its users. */
export interface BindRun {
  context: EngineContext;
  licences: LicencePool | null;
  /** Carried to an address-release retry, so it binds the way this call asked. */
  retry: AddressRetryOptions;
}

/** Bound, blocked or suspended: the user already has a bound account. */
function alreadyBound(binding: Binding | null): binding is Binding {
  return binding !== null && ['bound', 'blocked', 'suspended-password-expired'].includes(binding.state);
}

async function bindOne(run: BindRun, task: UserTask): Promise<HandlerResult> {
  const user = await loadDirectoryUser(task);
  const binding = await task.currentBinding(user);
  // A binding this operation made before an interruption is finished, not skipped.
  if (alreadyBound(binding) && !task.steps.resumed()) {
    task.note = `already bound (${binding.state})`;
    return { outcome: 'skipped', m365Id: binding.m365Id };
  }
  const account = await task.m365.findUserByEmail(user.email, task.trace);
  if (account === null) return bindNewAccount(run, task, user);
  const owner = (await run.context.bindings.findByM365Ids([account.id])).get(account.id);
  if (owner !== undefined && owner.userId !== user.id) {
    throw new InvalidInputError(
      `${user.email} can't be bound: its Microsoft 365 account (${account.userPrincipalName}) is already bound to another directory user.`,
    );
  }
  if (createdEarlier(task) || binding?.state === 'pending-address-release') {
    return continueCreatedAccount(run, task, user, account);
  }
  return takeOverAccount(run, task, user, account);
}

function bindRun(
  context: EngineContext,
  options: z.output<typeof bindOptionsSchema>,
  dryRun: boolean,
): BindRun {
  const reader = dryRun ? context.gateway.dryRun() : context.gateway;
  const welcome = options.welcome && context.settings.welcomeMail.enabled;
  return {
    context,
    licences: options.licenceSku === undefined ? null : new LicencePool(options.licenceSku, reader),
    retry: { welcome, ...(options.licenceSku === undefined ? {} : { licenceSku: options.licenceSku }) },
  };
}

export async function bind(
  context: EngineContext,
  emails: readonly string[],
  options: BindOptions & RunOptions,
): Promise<OperationReport> {
  const parsed = bindOptionsSchema.parse({ licenceSku: options.licenceSku, welcome: options.welcome });
  const run = bindRun(context, parsed, options.dryRun ?? false);
  return runBulk(context, { kind: 'bind', emails, parameters: { ...run.retry } }, options, (task) =>
    bindOne(run, task),
  );
}

export const addressRetrySchema = z.object({
  userId: z.string().min(1),
  licenceSku: z.string().min(1).optional(),
  welcome: z.boolean().default(true),
});
export type AddressRetryInput = z.input<typeof addressRetrySchema>;

const SYSTEM_ACTOR: Actor = actorSchema.parse({
  platform: 'system',
  id: 'address-release-retry',
  displayName: 'Address release retry',
});

/**
 * The address-release job: binds the user again now that the hold should be over. Still held → the binding
 * keeps waiting and the job is rescheduled (inside bind). Nothing to do when the binding moved on meanwhile.
 */
export async function retryAddressRelease(
  context: EngineContext,
  input: AddressRetryInput,
): Promise<UserResult> {
  const { userId, licenceSku, welcome } = addressRetrySchema.parse(input);
  const [binding, user] = await Promise.all([context.bindings.get(userId), context.users.findById(userId)]);
  if (binding?.state !== 'pending-address-release' || user === null) {
    return {
      email: user?.email ?? userId,
      outcome: 'skipped',
      changes: [],
      note: 'no binding is waiting for its address',
    };
  }
  const run = bindRun(context, { welcome, ...(licenceSku === undefined ? {} : { licenceSku }) }, false);
  return runOne(
    context,
    { kind: 'bind:address-retry', email: user.email, parameters: { ...run.retry } },
    SYSTEM_ACTOR,
    (task) => bindOne(run, task),
  );
}
