import { isDomainError } from '../../errors.js';
import type { EngineContext } from '../context.js';
import type { DirectoryUser } from '../model.js';
import { change } from '../results.js';
import type { UserTask } from '../task.js';

/**
 * The welcome message binding sends (the seed: "binding the user to Office 365 will send an email"),
 * through Graph sendMail from the configured sender mailbox. It never contains a password: the admin hands
 * the initial password over; the message says where to sign in and who manages the account.
 */

export const WELCOME_STEP = 'welcome';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function welcomeHtml(user: DirectoryUser, created: boolean): string {
  const name = escapeHtml(user.givenName ?? user.displayName);
  const email = escapeHtml(user.email);
  const first = created
    ? `your Microsoft 365 account <b>${email}</b> is ready.`
    : `your Microsoft 365 account <b>${email}</b> is now managed by your organisation's directory.`;
  const password = created
    ? 'Your administrator will give you a temporary password; you will choose your own at first sign-in.'
    : 'Keep signing in as before. Password changes are made in the directory, not in Microsoft 365.';
  return [
    `<p>Hello ${name},</p>`,
    `<p>${first}</p>`,
    `<p>Sign in at <a href="https://www.office.com">office.com</a>. ${password}</p>`,
  ].join('\n');
}

/**
 * Sends the welcome message once. A step an interrupted attempt left 'started' may already have been
 * delivered, so it is not sent again (a note says so). Failing to send does not undo the binding: the
 * user's row notes it instead; stop-run errors still stop the run.
 */
export async function sendWelcome(
  context: EngineContext,
  task: UserTask,
  user: DirectoryUser,
  created: boolean,
  wanted: boolean,
): Promise<void> {
  if (!wanted) return;
  const sender = context.settings.welcomeMail.senderUpn;
  const previous = task.steps.previous(WELCOME_STEP);
  if (previous === 'done') return;
  if (previous === 'started') {
    task.note =
      'the welcome message may already have been sent before the interruption, so it was not sent again';
    return;
  }
  if (sender === null) {
    task.note = 'no welcome message: no sender mailbox is configured';
    return;
  }
  task.changes.push(change('send-welcome', 'm365', { to: user.email }));
  if (task.dryRun) return;
  const message = {
    to: user.email,
    subject: context.settings.welcomeMail.subject,
    html: welcomeHtml(user, created),
  };
  try {
    await task.steps.run(WELCOME_STEP, () => task.m365.sendMail(sender, message, task.trace));
  } catch (error) {
    if (!isDomainError(error) || error.policy === 'stop-run') throw error;
    task.changes.pop();
    task.note = `bound, but the welcome message was not sent: ${error.message}`;
  }
}
