import type { SandboxUser } from '../../../sandbox/model.js';
import type { RequestRecord } from '../../../sandbox/inspection.js';
import {
  auditEvents,
  click,
  command,
  IT_OPS,
  reliabilityUser,
  seedDirectoryUsers,
  waitFor,
  type BotHandle,
  type Button,
  type ReliabilityEnvironment,
} from '../harness/index.js';

/**
 * A bulk bind driven through Slack, and the exactly-once accounting item 1 (crash/restart) and item 4
 * (database outage) check afterwards.
 */

export const SKU = 'SPE_E3';
export const E3_SKU_ID = '05e9a617-0261-4cee-bb44-138d3ef5d965';

export const log = (scenario: string) => (line: string) => {
  process.stderr.write(`[${scenario}] ${line}\n`);
};

/** The status a request card shows in its first line: "Bind 400 users — Running" → "Running". */
export function cardStatus(text: string): string {
  const first = text.split('\n')[0] ?? '';
  const at = first.lastIndexOf(' — ');
  return at < 0 ? '' : first.slice(at + 3).trim();
}

/** A request's final states (commands/chat/approvals/cards.ts); Interrupted is not one: the run resumes. */
const FINAL = /^(Done|Done, with failures|Failed)$/;

/** "123 of 1,000 done" on a progress card; a finished card counts as all done. */
export function cardProgress(text: string): { done: number; finished: boolean } {
  if (FINAL.test(cardStatus(text))) return { done: Number.POSITIVE_INFINITY, finished: true };
  const match = /(\d[\d,]*) of (\d[\d,]*) done/.exec(text);
  return { done: match?.[1] === undefined ? 0 : Number(match[1].replace(/,/g, '')), finished: false };
}

/** The totals of a finished bulk card ("*Done*\n1,000\n*Skipped*\n0\n*Failed*\n0"); undefined before. */
export function cardTotals(text: string): { done: number; skipped: number; failed: number } | undefined {
  if (!FINAL.test(cardStatus(text))) return undefined;
  const number = (label: string) => {
    const match = new RegExp(`\\*${label}\\*\\n(\\d[\\d,]*)`).exec(text);
    return match?.[1] === undefined ? Number.NaN : Number(match[1].replace(/,/g, ''));
  };
  return { done: number('Done'), skipped: number('Skipped'), failed: number('Failed') };
}

/** Asks `/m365 bind …` as Nora and returns the plan card's Approve button (once the plan is ready). */
export async function askBind(
  world: ReliabilityEnvironment,
  bot: BotHandle,
  emails: readonly string[],
  options: { licence?: string; marker: (text: string) => boolean; timeoutMs?: number },
): Promise<Button> {
  const sender = world.slack.senderFor(bot.url);
  const licence = options.licence === undefined ? '' : ` --license ${options.licence}`;
  const answer = await command(sender, `bind ${emails.join(' ')}${licence} --no-welcome`, 'nora');
  if (answer.status !== 200) throw new Error(`the bind command got HTTP ${String(answer.status)}`);
  return waitFor(
    'the plan card with an Approve button',
    () => world.slack.findButton(IT_OPS, 'approve', options.marker),
    options.timeoutMs ?? 180_000,
    250,
  );
}

/** Clicks Approve as each person in turn; each click must get HTTP 200. */
export async function approveAs(
  world: ReliabilityEnvironment,
  bot: BotHandle,
  button: Button,
  people: readonly ('nora' | 'samir' | 'grace')[],
): Promise<void> {
  const sender = world.slack.senderFor(bot.url);
  for (const person of people) {
    const answer = await click(sender, button, person);
    if (answer.status !== 200) throw new Error(`${person}'s approval got HTTP ${String(answer.status)}`);
  }
}

/** A directory user for an existing, plain sandbox account: a takeover bind. */
export async function seedTakeoverUser(
  world: ReliabilityEnvironment,
  passwordExpiresAt: Date,
): Promise<{ email: string; m365Id: string }> {
  const account = (await world.sandbox.users()).find(
    (user) =>
      user.userType === 'Member' &&
      user.accountEnabled &&
      user.onPremisesSyncEnabled !== true &&
      user.mail?.endsWith('@contoso.com') === true,
  );
  if (account?.mail === undefined || account.mail === null) throw new Error('no plain member in the tenant');
  await seedDirectoryUsers(world.database.db, [
    {
      email: account.mail,
      givenName: account.givenName ?? 'Job',
      surname: account.surname ?? 'User',
      displayName: account.displayName,
      jobTitle: account.jobTitle ?? null,
      department: account.department ?? null,
      company: null,
      addresses: [],
      phoneNumbers: [],
      employeeId: null,
      usageLocation: account.usageLocation ?? 'US',
      password: { setAt: new Date(), expiresAt: passwordExpiresAt, policyVersion: 1 },
      source: 'created',
      importedFromM365Id: null,
    },
  ]);
  return { email: account.mail, m365Id: account.id };
}

export interface ExactlyOnceReport {
  createdOk: number;
  /** POST /users answered other than 201 or 429 (a create attempted again, or refused). */
  createsRefused: Record<string, number>;
  /** assignLicense answered 200, per Microsoft 365 id, where more than once. */
  licenceTwice: Record<string, number>;
  licenceOk: number;
  /** Accounts of the run in the tenant, and those without exactly one E3 assignment. */
  accounts: number;
  accountsWithoutOneLicence: string[];
  /** UPNs of the run that exist more than once (impossible in the tenant, kept as a guard). */
  duplicateUpns: string[];
  /** Emails of the run with no account at all. */
  missing: string[];
  throttled: number;
}

/** What Microsoft 365 saw of a bind of `emails` (all new accounts): creates, licences and final state. */
export function exactlyOnce(
  requests: readonly RequestRecord[],
  users: readonly SandboxUser[],
  emails: readonly string[],
): ExactlyOnceReport {
  const creates = requests.filter((request) => request.method === 'POST' && request.path === '/v1.0/users');
  const createsRefused: Record<string, number> = {};
  for (const create of creates)
    if (create.status !== 201 && create.status !== 429)
      createsRefused[String(create.status)] = (createsRefused[String(create.status)] ?? 0) + 1;
  const licencePerId = new Map<string, number>();
  for (const request of requests) {
    const match = /^\/v1\.0\/users\/([^/]+)\/assignLicense$/.exec(request.path);
    if (match?.[1] !== undefined && request.status === 200)
      licencePerId.set(match[1], (licencePerId.get(match[1]) ?? 0) + 1);
  }
  const wanted = new Set(emails.map((email) => email.toLowerCase()));
  const ours = users.filter((user) => wanted.has(user.userPrincipalName.toLowerCase()));
  const upnCounts = new Map<string, number>();
  for (const user of ours)
    upnCounts.set(
      user.userPrincipalName.toLowerCase(),
      (upnCounts.get(user.userPrincipalName.toLowerCase()) ?? 0) + 1,
    );
  return {
    createdOk: creates.filter((create) => create.status === 201).length,
    createsRefused,
    licenceTwice: Object.fromEntries([...licencePerId].filter(([, count]) => count > 1)),
    licenceOk: [...licencePerId.values()].reduce((sum, count) => sum + count, 0),
    accounts: ours.length,
    accountsWithoutOneLicence: ours
      .filter((user) => user.assignedLicenses.filter((licence) => licence.skuId === E3_SKU_ID).length !== 1)
      .map((user) => user.userPrincipalName),
    duplicateUpns: [...upnCounts].filter(([, count]) => count > 1).map(([upn]) => upn),
    missing: [...wanted].filter((email) => !upnCounts.has(email)),
    throttled: requests.filter((request) => request.status === 429).length,
  };
}

/** Per user of the run: how many 'succeeded' audit events of `action` carry this operation id. */
export async function auditedSuccesses(
  world: ReliabilityEnvironment,
  action: string,
  operationId: string,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const event of await auditEvents(world.database.db)) {
    if (event['action'] !== action || event['operationId'] !== operationId) continue;
    if (event['outcome'] !== 'succeeded') continue;
    const target = String(event['target']).toLowerCase();
    counts.set(target, (counts.get(target) ?? 0) + 1);
  }
  return counts;
}

/** For a failure report: every audit event of these users, as action/outcome (detail) lines. */
export async function describeAudit(
  world: ReliabilityEnvironment,
  emails: readonly string[],
): Promise<string[]> {
  const events = await auditEvents(world.database.db);
  return emails.map((email) => {
    const mine = events.filter((event) => String(event['target']).toLowerCase() === email.toLowerCase());
    const summary = mine.map(
      (event) =>
        `${String(event['action'])}/${String(event['outcome'])}${typeof event['detail'] === 'string' ? ` (${event['detail']})` : ''}`,
    );
    return `${email}: ${summary.length === 0 ? 'no audit event' : summary.join(', ')}`;
  });
}

/** The bind both long scenarios run, asked for but not yet approved. */
export interface AskedBind {
  emails: string[];
  bot: BotHandle;
  plan: Button;
  /** The chat request's id, which is also the operation id its audit events carry. */
  requestId: string;
  /** The plan card's text as it reads now. */
  card: () => string;
}

/** Seeds `count` new hires, starts a bot and asks it to bind them all with the SKU (as Nora, in IT ops). */
export async function askLicensedBind(world: ReliabilityEnvironment, count: number): Promise<AskedBind> {
  const emails = await seedDirectoryUsers(
    world.database.db,
    Array.from({ length: count }, (_, index) => reliabilityUser(index + 1)),
  );
  const bot = await world.startBot();
  const plan = await askBind(world, bot, emails, {
    licence: SKU,
    marker: (text) => text.includes(`Bind ${String(count)} users`),
  });
  const requestId = (JSON.parse(plan.value) as { request: string }).request;
  return { emails, bot, plan, requestId, card: () => world.slack.currentText(IT_OPS, plan.ts) };
}

/** Waits (up to 10 minutes) until the card shows the run's final totals. */
export async function waitForTotals(card: () => string): Promise<void> {
  await waitFor(
    'the run to finish',
    () => (cardTotals(card()) === undefined ? undefined : true),
    600_000,
    500,
  );
}

/** What both scenarios log at the end: time, Microsoft 365's counts, the final card, unaudited users. */
export async function logScenarioEnd(
  world: ReliabilityEnvironment,
  log: (line: string) => void,
  outcome: {
    seconds: number;
    report: ExactlyOnceReport;
    finalCard: string;
    emails: readonly string[];
    audited: Map<string, number>;
  },
): Promise<void> {
  log(`finished in ${outcome.seconds.toFixed(0)} s; Microsoft 365: ${JSON.stringify(outcome.report)}`);
  log(`final card:\n${outcome.finalCard}`);
  const unaudited = outcome.emails.filter((email) => outcome.audited.get(email.toLowerCase()) !== 1);
  for (const line of await describeAudit(world, unaudited.slice(0, 20))) log(`audit of ${line}`);
}
