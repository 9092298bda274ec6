import { emailKey } from './mapping.js';
import type { Binding, DirectoryUser } from './model.js';
import type { Bindings, DirectoryUsers } from './ports.js';

/**
 * The directory users of one bulk run and their bindings, read a window at a time with one `$in` query each
 * instead of look-ups per user: on FerretDB 1.24 every look-up scans its whole collection (even by `_id`,
 * whose index its SQL does not use), so 2,000 single look-ups were 4,000 full scans. A window is read when
 * the first of its users is processed (workers take users in order), so a record is at most one window's
 * work old when its user's turn comes.
 */
export const PREFETCH_WINDOW = 500;

export interface DirectoryPrefetch {
  /** The directory user with this email, or null; reads its window on first use. */
  get(email: string): Promise<DirectoryUser | null>;
  /**
   * The user's binding. A binding the window found is read again (its state may have moved since); an absent
   * one is trusted: a binding created meanwhile makes Bindings.create refuse, which bind handles anyway.
   */
  binding(user: DirectoryUser): Promise<Binding | null>;
}

interface Window {
  users: Map<string, DirectoryUser>;
  boundUserIds: Set<string>;
}

async function readWindow(
  users: DirectoryUsers,
  bindings: Bindings,
  emails: readonly string[],
): Promise<Window> {
  const found = await users.findByEmails(emails);
  const bound = await bindings.findByUserIds([...found.values()].map((user) => user.id));
  return { users: found, boundUserIds: new Set(bound.keys()) };
}

export function createDirectoryPrefetch(
  users: DirectoryUsers,
  bindings: Bindings,
  emails: readonly string[],
): DirectoryPrefetch {
  const windowOf = new Map<string, number>();
  emails.forEach((email, index) => windowOf.set(emailKey(email), Math.floor(index / PREFETCH_WINDOW)));
  const windows = new Map<number, Promise<Window>>();
  const load = (window: number): Promise<Window> => {
    let loading = windows.get(window);
    if (loading === undefined) {
      const slice = emails.slice(window * PREFETCH_WINDOW, (window + 1) * PREFETCH_WINDOW);
      loading = readWindow(users, bindings, slice);
      // A failed read (database outage) is not cached: the next user of the window reads it again.
      loading.catch(() => windows.delete(window));
      windows.set(window, loading);
    }
    return loading;
  };
  return {
    async get(email) {
      const key = emailKey(email);
      const window = windowOf.get(key);
      if (window === undefined) return users.findByEmail(email);
      return (await load(window)).users.get(key) ?? null;
    },
    async binding(user) {
      const window = windowOf.get(user.emailLower);
      if (window !== undefined && !(await load(window)).boundUserIds.has(user.id)) return null;
      return bindings.get(user.id);
    },
  };
}
