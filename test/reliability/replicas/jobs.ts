import type { Db, Document, Filter } from 'mongodb';
import { COLLECTIONS } from '../../../storage/collections.js';
import { createRepositories } from '../../../storage/repositories/index.js';
import type { BotHandle, ReliabilityEnvironment } from '../harness/index.js';

/**
 * Scheduled jobs seen from the test: password-expiry jobs made due now, digest times a little ahead, and
 * what each replica's log says its job runs did.
 */

const PASSWORD_EXPIRY_JOB = 'engine.password-expiry';
export const DIGEST_JOB = 'chat.digest';

/**
 * The passwords of these bound users expired a minute ago, and their password-expiry jobs (scheduled by the
 * bind, PASSWORD_EXPIRY_DAYS ahead; the setting counts whole days) are due now — as if that much time had
 * passed — each twice (duplicateJobs). Returns the number of jobs made due (before the copies).
 */
export async function expirePasswordsNow(db: Db, emails: readonly string[]): Promise<number> {
  const { users } = createRepositories(db);
  const now = Date.now();
  const ids: string[] = [];
  for (const email of emails) {
    const user = await users.findByEmail(email);
    if (user?.password == null) throw new Error(`${email} has no password state: is it bound?`);
    await users.setPasswordState(user.id, { ...user.password, expiresAt: new Date(now - 60_000) });
    ids.push(user.id);
  }
  const jobs = { name: PASSWORD_EXPIRY_JOB, 'data.userId': { $in: ids } };
  const due = await db
    .collection(COLLECTIONS.agendaJobs)
    .updateMany(jobs, { $set: { nextRunAt: new Date(now) } });
  const copies = await duplicateJobs(db, jobs);
  if (copies !== due.modifiedCount)
    throw new Error(`${String(copies)} copies of ${String(due.modifiedCount)} jobs`);
  return due.modifiedCount;
}

/**
 * A second copy of every job matching `filter`, due at the same time. On FerretDB, Agenda's job lock is a
 * read-then-write, so two replicas polling at the same moment may both lock and run one job; the copies make
 * that happen every time instead of by chance (on either replica, or both). The handlers must make one of
 * the two runs a no-op. Returns how many jobs were copied.
 */
export async function duplicateJobs(db: Db, filter: Filter<Document>): Promise<number> {
  const jobs = db.collection(COLLECTIONS.agendaJobs);
  const originals = await jobs.find(filter).toArray();
  if (originals.length === 0) return 0;
  await jobs.insertMany(originals.map(({ _id: _original, ...job }) => ({ ...job, lockedAt: null })));
  return originals.length;
}

/** The first whole minute (UTC) at least `leadMs` from now, as the digest's HH:MM and as a time. */
export function digestMinute(leadMs: number): { time: string; at: Date } {
  const minute = 60_000;
  const at = new Date(Math.ceil((Date.now() + leadMs) / minute) * minute);
  return { time: at.toISOString().slice(11, 16), at };
}

/** Every log record of every life of these bots whose message is `message`. */
export function logRecords(bots: readonly BotHandle[], message: string): Record<string, unknown>[] {
  return bots.flatMap((bot) =>
    bot.lives.flatMap((life) => life.records().filter((record) => record['msg'] === message)),
  );
}

/** How the daily digest job's runs ended, over both replicas: { posted: 5, 'already-posted': 3 }. */
export function digestRuns(bots: readonly BotHandle[]): Record<string, number> {
  const runs: Record<string, number> = {};
  for (const record of logRecords(bots, 'daily digest')) {
    const result = String(record['result']);
    runs[result] = (runs[result] ?? 0) + 1;
  }
  return runs;
}

/** The digest card's title (not "Daily digest here at …" or "Daily digest subscribed", the command's cards). */
const DIGEST_TITLE = /^Daily digest, \d{4}-\d{2}-\d{2}\b/;

/** Digest posts per channel in the Slack stand-in. */
export function digestPosts(world: ReliabilityEnvironment, channels: readonly string[]): Map<string, number> {
  const posts = new Map(channels.map((channel) => [channel, 0]));
  for (const message of world.slack.api.messages()) {
    if (!posts.has(message.channel) || !DIGEST_TITLE.test(message.text)) continue;
    posts.set(message.channel, (posts.get(message.channel) ?? 0) + 1);
  }
  return posts;
}

/** What the Slack stand-in's methods answered, e.g. { 'chat.update ratelimited': 12, 'chat.update ok': 300 }. */
export function slackCalls(world: ReliabilityEnvironment): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of world.slack.api.calls()) {
    const key = `${call.method} ${call.ok ? 'ok' : (call.error ?? 'error')}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
