import type { Database } from '../../storage/database.js';

/**
 * Whether the database answers, checked every second in the background (a ping with a 1 s deadline). The chat
 * core asks it while a command waits on the database: a server that stopped answering without closing its
 * connections (frozen, a dead network path) would otherwise keep the admin waiting until socket time-outs
 * and retries give up, instead of the immediate "temporarily unavailable".
 */
export interface DatabaseHealth {
  available(): boolean;
  stop(): void;
}

const INTERVAL_MS = 1000;

export function watchDatabase(database: Database): DatabaseHealth {
  let available = true;
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    database
      .ping(INTERVAL_MS)
      .then((answered) => {
        available = answered;
      })
      .catch(() => {
        available = false;
      })
      .finally(() => {
        checking = false;
      });
  }, INTERVAL_MS);
  timer.unref();
  return {
    available: () => available,
    stop: () => {
      clearInterval(timer);
    },
  };
}
