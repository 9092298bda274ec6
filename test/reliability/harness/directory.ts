import type { Db } from 'mongodb';
import { numberedNewHire } from '../../../bench/support/new-hires.js';
import type { NewDirectoryUser } from '../../../commands/engine/model.js';
import { COLLECTIONS } from '../../../storage/collections.js';
import { ensureIndexes } from '../../../storage/database.js';
import { createRepositories } from '../../../storage/repositories/index.js';

/**
 * The bot's directory, seen from the test: seeding users before the bot starts (through the repositories,
 * so they are stored exactly as the bot stores them) and reading bindings and audit events for the checks.
 */

/** `reliability.user00001@contoso.com` … — new hires with no Microsoft 365 account yet. */
export function reliabilityUser(index: number, prefix = 'reliability.user'): NewDirectoryUser {
  return numberedNewHire(index, {
    prefix,
    domain: 'contoso.com',
    label: 'Reliability',
    department: 'Reliability',
  });
}

/** Inserts the users (indexes first, as the bot creates them at start); returns their e-mail addresses. */
export async function seedDirectoryUsers(db: Db, users: readonly NewDirectoryUser[]): Promise<string[]> {
  await ensureIndexes(db);
  const repositories = createRepositories(db);
  const queue = [...users];
  const worker = async (): Promise<void> => {
    for (let user = queue.shift(); user !== undefined; user = queue.shift()) {
      await repositories.users.insert(user);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return users.map((user) => user.email);
}

/** Binding state per directory e-mail (lower case), e.g. { 'a@contoso.com': 'bound' }. */
export async function bindingStates(db: Db): Promise<Map<string, string>> {
  const bindings = await db.collection(COLLECTIONS.bindings).find({}).toArray();
  return new Map(bindings.map((binding) => [String(binding['emailLower']), String(binding['state'])]));
}

/** Every audit event as stored (action, target, outcome, …). */
export async function auditEvents(db: Db): Promise<Record<string, unknown>[]> {
  return db.collection(COLLECTIONS.audit).find({}).toArray();
}
