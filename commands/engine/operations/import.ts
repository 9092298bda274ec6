import { z } from 'zod';
import { DirectoryConflictError, M365UserNotFoundError } from '../../errors.js';
import { requireConnected, type EngineContext } from '../context.js';
import { emailKey, importedDirectoryUser } from '../mapping.js';
import type { M365User } from '../ports.js';
import { change, type OperationReport } from '../results.js';
import { runBulk, type RunOptions } from '../runner.js';
import type { HandlerResult, UserTask } from '../task.js';
import { classifiedUserPages, loadClassifier, type PageClassifier } from './import-preview.js';

/**
 * Import: creates directory users from Microsoft 365 users (the seed's mapping). A user whose email already
 * exists in the directory fails with exactly that reason while the rest continue (the seed); one already
 * imported from the same account is skipped.
 */

export const importSelectionSchema = z.union([
  z.object({ emails: z.array(z.string().min(1)).min(1) }),
  z.object({ allNew: z.literal(true) }),
]);
export type ImportSelection = z.input<typeof importSelectionSchema>;

const IMPORT_STEP = 'insert';

async function sourceUser(task: UserTask, m365Id: string | undefined): Promise<M365User> {
  const user =
    m365Id === undefined
      ? await task.m365.findUserByEmail(task.email, task.trace)
      : await task.m365.getUser(m365Id, task.trace);
  if (user === null) throw new M365UserNotFoundError(task.email);
  return user;
}

async function importOne(
  context: EngineContext,
  classifier: Promise<PageClassifier>,
  task: UserTask,
  m365Id: string | undefined,
): Promise<HandlerResult> {
  const source = await sourceUser(task, m365Id);
  const [row] = await (await classifier)([source]);
  const record = importedDirectoryUser(source);
  if (row === undefined || record === null || row.status === 'skipped') {
    task.note = `not imported: ${row?.reason ?? 'no usable email address'}`;
    return { outcome: 'skipped', m365Id: source.id };
  }
  if (row.status === 'already-imported') {
    // An interrupted earlier attempt of this operation may have inserted it: that counts as done.
    if (task.steps.previous(IMPORT_STEP) === 'started') {
      task.steps.markDone(IMPORT_STEP);
      return { outcome: 'done', m365Id: source.id };
    }
    task.note = 'already imported from this Microsoft 365 account';
    return { outcome: 'skipped', m365Id: source.id };
  }
  if (row.status === 'conflict') throw new DirectoryConflictError(record.email);
  task.changes.push(change('create-directory-user', 'directory', { to: record.email }));
  if (task.dryRun) return { outcome: 'planned', m365Id: source.id };
  await task.steps.run(IMPORT_STEP, () => context.users.insert(record));
  return { outcome: 'done', m365Id: source.id };
}

/** Every user the preview classifies as new: emails plus their object ids (one streaming pass, as the preview). */
async function newUsers(context: EngineContext): Promise<Map<string, { email: string; m365Id: string }>> {
  const found = new Map<string, { email: string; m365Id: string }>();
  for await (const rows of classifiedUserPages(context, {})) {
    for (const row of rows) {
      if (row.status === 'new' && row.email !== null) {
        found.set(emailKey(row.email), { email: row.email, m365Id: row.m365Id });
      }
    }
  }
  return found;
}

export async function importUsers(
  context: EngineContext,
  selectionInput: ImportSelection,
  options: RunOptions,
): Promise<OperationReport> {
  const selection = importSelectionSchema.parse(selectionInput);
  await requireConnected(context);
  const known =
    'emails' in selection ? new Map<string, { email: string; m365Id: string }>() : await newUsers(context);
  const emails = 'emails' in selection ? selection.emails : [...known.values()].map((entry) => entry.email);
  // The directory as the run starts, read once (not two scans per user); a user this run inserts and a crash
  // interrupts is in it when the run resumes, so the insert is not repeated.
  let classifier: Promise<PageClassifier> | undefined;
  const classifierOnce = (): Promise<PageClassifier> =>
    (classifier ??= loadClassifier(context).catch((error: unknown) => {
      classifier = undefined; // a failed read (database outage) is read again by the next user
      throw error;
    }));
  return runBulk(
    context,
    { kind: 'import', emails, parameters: { selection: 'emails' in selection ? 'emails' : 'all-new' } },
    options,
    (task) => importOne(context, classifierOnce(), task, known.get(task.emailLower)?.m365Id),
  );
}
