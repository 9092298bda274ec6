import { parseCardModel, type CardModel, type Table } from '../../cards/model.js';
import type { AuditEvent } from '../engine/model.js';
import type { ExpiringPassword } from '../engine/operations/expiring.js';
import { formatWhen } from './cards.js';
import type { Core } from './core.js';

/**
 * The daily digest: bound / blocked / suspended counts, passwords expiring in the next 7 days, failures in
 * the last 24 hours (audit), pending approvals and the drift the last reconcile found — with a chart (Teams
 * draws it, Slack shows text bars). One post per conversation and local day: the day is claimed with one
 * conditional update before posting, and given back if the post fails.
 */

export const DIGEST_EXPIRY_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;
const LISTED = 10;

/** The calendar day at `date` in `timeZone`, as YYYY-MM-DD. */
export function localDay(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((entry) => entry.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

function numberParameter(event: AuditEvent | null, name: string): number {
  const value = event?.parameters[name];
  return typeof value === 'number' ? value : 0;
}

function expiringTable(expiring: readonly ExpiringPassword[]): Table[] {
  if (expiring.length === 0) return [];
  const rows = expiring
    .slice(0, LISTED)
    .map((entry) => [entry.email, entry.expired ? 'expired' : formatWhen(entry.expiresAt)]);
  return [{ caption: 'Passwords expiring soonest', columns: ['User', 'Expires'], rows }];
}

function failureTable(recent: readonly AuditEvent[]): Table[] {
  if (recent.length === 0) return [];
  const rows = recent.map((event) => [
    formatWhen(event.at),
    event.action,
    event.target ?? '',
    event.detail ?? '',
  ]);
  return [{ caption: 'Latest failures', columns: ['When', 'Action', 'User', 'Reason'], rows }];
}

export async function buildDigest(core: Core, day: string): Promise<CardModel> {
  const now = core.clock.now();
  const status = await core.engine.status();
  const connected = status.status === 'active';
  const expiring = connected ? await core.engine.expiring(DIGEST_EXPIRY_DAYS) : [];
  const failures = await core.stores.auditReader.failuresSince(new Date(now.getTime() - DAY_MS), 5);
  const pending = await core.stores.requests.countPending(now);
  const reconcile = await core.stores.auditReader.latestTenantEvent('reconcile');
  const drift = numberParameter(reconcile, 'drifted') + numberParameter(reconcile, 'missing');
  const counts = status.bindings;
  const suspended = counts['suspended-password-expired'];
  return parseCardModel({
    title: `Daily digest, ${day}`,
    tone: failures.count > 0 || drift > 0 || !connected ? 'warning' : 'info',
    facts: [
      { label: 'Microsoft 365', value: status.status },
      { label: 'Bound', value: String(counts.bound) },
      { label: 'Blocked', value: String(counts.blocked) },
      { label: 'Suspended (password expired)', value: String(suspended) },
      { label: `Passwords expiring in ${DIGEST_EXPIRY_DAYS} days`, value: String(expiring.length) },
      { label: 'Failures in the last 24 h', value: String(failures.count) },
      { label: 'Pending approvals', value: String(pending) },
      {
        label: 'Drift at the last reconcile',
        value: reconcile === null ? 'no reconcile yet' : `${drift} (${formatWhen(reconcile.at)})`,
      },
    ],
    chart: {
      kind: 'bar',
      title: 'Today',
      series: [
        { label: 'Bound', value: counts.bound, tone: 'success' },
        { label: 'Blocked', value: counts.blocked, tone: 'warning' },
        { label: 'Suspended', value: suspended, tone: 'danger' },
        { label: 'Expiring 7 d', value: expiring.length, tone: 'warning' },
        { label: 'Failures 24 h', value: failures.count, tone: 'danger' },
        { label: 'Pending approvals', value: pending, tone: 'info' },
        { label: 'Drift', value: drift, tone: 'warning' },
      ],
    },
    tables: [...expiringTable(expiring), ...failureTable(failures.recent)],
    notes: connected
      ? []
      : [{ text: 'The bot is not connected to Microsoft 365.', tone: 'warning' as const }],
  });
}

export type DigestResult = 'posted' | 'already-posted' | 'no-subscription';

/** The digest job's handler: posts today's digest unless this conversation already has it. */
export async function postDigest(core: Core, subscriptionId: string): Promise<DigestResult> {
  const subscription = await core.stores.subscriptions.get(subscriptionId);
  if (subscription === null) return 'no-subscription';
  const day = localDay(core.clock.now(), subscription.timeZone);
  const previous = subscription.lastPostedDay;
  if (!(await core.stores.subscriptions.claimDay(subscriptionId, day))) return 'already-posted';
  try {
    const card = await buildDigest(core, day);
    await core.surfaces.get(subscription.conversation.platform).post(subscription.conversation, card);
    return 'posted';
  } catch (error) {
    await core.stores.subscriptions.releaseDay(subscriptionId, day, previous);
    throw error;
  }
}
