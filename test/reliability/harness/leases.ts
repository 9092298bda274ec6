import type { Db } from 'mongodb';
import { COLLECTIONS } from '../../../storage/collections.js';

/**
 * Lets the time pass that a killed bot's leases need to run out, without waiting for it: its chat runs'
 * execution leases (chatRequests.leaseUntil, 120 s by default) and its document-lock leases (locks.expiresAt,
 * 30 s). A dead process renews nothing, so after that time both would have lapsed anyway; a bot started
 * after this call finds them lapsed at once. Call it ONLY while no bot process is alive: it would also end
 * a live process's leases. Returns how many leases it ended.
 */
export async function expireDeadLeases(db: Db): Promise<{ runs: number; locks: number }> {
  // A write the killed process sent just before it died may still be queued in the database and land after
  // a first pass (FerretDB runs writes one at a time): look again until a pass finds nothing new.
  const total = { runs: 0, locks: 0 };
  for (let pass = 0; pass < 10; pass += 1) {
    const ended = await expireOnce(db);
    total.runs += ended.runs;
    total.locks += ended.locks;
    if (pass > 0 && ended.runs + ended.locks === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return total;
}

async function expireOnce(db: Db): Promise<{ runs: number; locks: number }> {
  const past = new Date(Date.now() - 1000);
  const runs = await db
    .collection(COLLECTIONS.chatRequests)
    .updateMany({ state: 'executing', leaseUntil: { $gt: past } }, { $set: { leaseUntil: past } });
  const locks = await db
    .collection(COLLECTIONS.locks)
    .updateMany({ expiresAt: { $gt: past } }, { $set: { expiresAt: past } });
  return { runs: runs.modifiedCount, locks: locks.modifiedCount };
}
