import { expect } from '@jest/globals';
import type { OperationReport, Progress, UserResult } from '../../commands/engine/results.js';
import { DEFAULT_FAULT_RETRY_AFTER_SECONDS } from '../../sandbox/faults.js';
import type { RequestRecord } from '../../sandbox/inspection.js';
import type { SandboxUser } from '../../sandbox/model.js';
import {
  ADMIN,
  directoryUser,
  openEngine,
  type EngineHarnessOptions,
  type EngineHarness,
} from '../support/engine.js';

/**
 * A bulk bind with a licence through the real engine (real repositories on the dev database, real Graph gateway
 * against the sandbox tenant) while the sandbox injects faults, and the checks every such run must pass: nobody
 * created or licensed twice, nobody lost, every failure reported with its reason, every retry after Graph's
 * Retry-After.
 *
 * The sandbox runs 20× faster than real time with its own throttling off, so every 429 comes from the injected
 * storm and every injected 429/503/504 carries the same Retry-After (1 sandbox second = 50 real ms).
 */

export const TIME_SCALE = 20;
/** What the sandbox sends with every injected 429, 503 and 504. */
export const RETRY_AFTER_MS = DEFAULT_FAULT_RETRY_AFTER_SECONDS * 1000;
/** The SKU every run assigns; seats are bought for each run's users first. */
const SKU_PART_NUMBER = 'SPE_E3';

export interface FaultRun {
  harness: EngineHarness;
  emails: string[];
  sku: { skuId: string; skuPartNumber: string; consumedBefore: number };
  /** Binds every user with the licence, no welcome message (one call of the engine). */
  bind(options?: {
    operationId?: string;
    onProgress?: (progress: Progress) => void;
  }): Promise<OperationReport>;
  close(): Promise<void>;
}

/** `count` new directory users `<purpose>.userNN@contoso.com`, none of them in Microsoft 365 yet. */
export async function openFaultRun(
  testFile: string,
  purpose: string,
  count: number,
  options: Pick<EngineHarnessOptions, 'gateway' | 'settings'> = {},
): Promise<FaultRun> {
  const harness = await openEngine(testFile, {
    purpose,
    sandbox: { throttling: 'off', timeScale: TIME_SCALE },
    ...options,
  });
  const emails = Array.from(
    { length: count },
    (_, index) => `${purpose}.user${String(index).padStart(3, '0')}@contoso.com`,
  );
  for (const email of emails) await harness.repositories.users.insert(directoryUser(email));
  const sku = harness.sandbox.store.licenses.skus.find((entry) => entry.skuPartNumber === SKU_PART_NUMBER);
  if (!sku) throw new Error(`the sandbox tenant has no ${SKU_PART_NUMBER} subscription`);
  // Graph sells no seats through its API: the admin buys them first.
  sku.enabledUnits += count;
  harness.sandbox.inspection.reset();
  return {
    harness,
    emails,
    sku: {
      skuId: sku.skuId,
      skuPartNumber: sku.skuPartNumber,
      consumedBefore: harness.sandbox.store.licenses.consumedUnits(sku.skuId),
    },
    bind: (run = {}) =>
      harness.engine.bind(emails, {
        actor: ADMIN,
        licenceSku: SKU_PART_NUMBER,
        welcome: false,
        ...(run.operationId === undefined ? {} : { operationId: run.operationId }),
        ...(run.onProgress ? { onProgress: run.onProgress } : {}),
      }),
    close: () => harness.close(),
  };
}

/** Calls `tick` every 5 real ms until `work` settles (to switch faults on what the log shows); returns `work`. */
export async function whileRunning<T>(work: Promise<T>, tick: () => void): Promise<T> {
  const progress = { settled: false };
  const stop = () => {
    progress.settled = true;
  };
  work.then(stop, stop);
  while (!progress.settled) {
    tick();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return work;
}

export function statusCount(run: FaultRun, status: number): number {
  return run.harness.sandbox.inspection.requests().filter((record) => record.status === status).length;
}

/** This run's users as Microsoft 365 holds them now (active users only). */
export function accountsOf(run: FaultRun): SandboxUser[] {
  const wanted = new Set(run.emails.map((email) => email.toLowerCase()));
  return run.harness.sandbox.inspection
    .users()
    .filter((user) => wanted.has(user.userPrincipalName.toLowerCase()));
}

const isCreate = (record: RequestRecord) =>
  record.method === 'POST' && /^\/v1\.0\/users\/?$/i.test(record.path);
const licencedUserId = (record: RequestRecord) =>
  record.method === 'POST' ? /^\/v1\.0\/users\/([^/]+)\/assignLicense$/i.exec(record.path)?.[1] : undefined;

/** Accepted (2xx) assignLicense requests per user id. */
export function acceptedLicenceRequests(run: FaultRun): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of run.harness.sandbox.inspection.requests()) {
    const id = licencedUserId(record);
    if (id === undefined || record.status !== 200) continue;
    const key = decodeURIComponent(id);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** What a run ended with, in the terms the checks are written in. */
export interface ExactlyOnce {
  /** POST /users that the tenant accepted (201), over every run so far. */
  acceptedCreates: number;
  /** This run's users that exist in Microsoft 365 (each UPN once: Entra refuses a second). */
  accounts: number;
  /** This run's users that exist in Microsoft 365 and hold the licence. */
  licensed: number;
  /** Seats of the SKU consumed since the run began. */
  seatsTaken: number;
  /** This run's users among the deleted ones (created, removed and created again would show here). */
  deleted: number;
}

/**
 * Counts from the sandbox's request log and its users. The log keeps no bodies, so "one create per UPN" is:
 * accepted creates == accounts that exist, and none deleted (a second create of the same UPN is refused).
 */
export function exactlyOnce(run: FaultRun): ExactlyOnce {
  const accounts = accountsOf(run);
  const { sandbox } = run.harness;
  const wanted = new Set(run.emails.map((email) => email.toLowerCase()));
  return {
    acceptedCreates: sandbox.inspection.requests().filter((r) => isCreate(r) && r.status === 201).length,
    accounts: accounts.length,
    licensed: accounts.filter((user) =>
      user.assignedLicenses.some((licence) => licence.skuId.toLowerCase() === run.sku.skuId.toLowerCase()),
    ).length,
    seatsTaken: sandbox.store.licenses.consumedUnits(run.sku.skuId) - run.sku.consumedBefore,
    deleted: sandbox.inspection
      .deletedUsers()
      .filter((user) => wanted.has(user.userPrincipalName.toLowerCase())).length,
  };
}

/**
 * The check every fault run ends with: each of the run's users created once, licensed once, none deleted,
 * and every user in `done` bound to its own account.
 */
export async function expectBoundExactlyOnce(run: FaultRun, done: readonly string[]): Promise<void> {
  const users = run.emails.length;
  expect(exactlyOnce(run)).toEqual({
    acceptedCreates: users,
    accounts: users,
    licensed: users,
    seatsTaken: users,
    deleted: 0,
  });
  expect(await mismatchedBindings(run, done)).toEqual([]);
}

/** Users whose row is neither done nor a failure with a code and a message: the report lost them. */
export function unaccounted(run: FaultRun, report: OperationReport): string[] {
  const rows = new Map<string, UserResult[]>();
  for (const result of report.results) rows.set(result.email, [...(rows.get(result.email) ?? []), result]);
  return run.emails.filter((email) => {
    const [row, ...more] = rows.get(email) ?? [];
    if (row === undefined || more.length > 0) return true;
    if (row.outcome === 'done') return false;
    return !(row.outcome === 'failed' && row.error && row.error.code !== '' && row.error.message !== '');
  });
}

/** Directory bindings that do not match Microsoft 365: bound to no account, or to another UPN's account. */
export async function mismatchedBindings(run: FaultRun, doneEmails: readonly string[]): Promise<string[]> {
  const accounts = new Map(accountsOf(run).map((user) => [user.userPrincipalName.toLowerCase(), user.id]));
  const wrong: string[] = [];
  for (const email of doneEmails) {
    const binding = await run.harness.repositories.bindings.findByEmail(email);
    if (binding?.state !== 'bound' || binding.m365Id !== accounts.get(email.toLowerCase())) wrong.push(email);
  }
  return wrong;
}

/** Requests that Graph answered with a Retry-After (the sandbox sends one with every injected failure). */
const RETRY_AFTER_STATUSES = new Set([429, 503, 504]);

/**
 * Requests that identify one call: a user's lookup by email (its $filter names the user), a user read or an
 * assignLicense on one user id. Creates all share POST /users and are left out: the log cannot tell whose
 * attempt follows whose.
 */
function callKey(record: RequestRecord): string | undefined {
  if (record.method === 'GET' && record.path === '/v1.0/users' && record.query.includes('filter'))
    return `GET ?${record.query}`;
  if (record.method === 'GET' && /^\/v1\.0\/users\/[^/$]+$/i.test(record.path))
    return `GET ${record.path}?${record.query}`;
  if (licencedUserId(record) !== undefined) return `POST ${record.path}`;
  return undefined;
}

export interface RetryGap {
  key: string;
  status: number;
  /** Sandbox ms from the answer carrying Retry-After to the next attempt of the same call. */
  gapMs: number;
}

/**
 * For every request that got a 429/503/504, the time until the same call arrived again, on the sandbox clock.
 * Both times are taken when the sandbox finished the request, so an honoured Retry-After shows as a gap of at
 * least Retry-After (the client only starts waiting once the answer is in).
 */
export function retryGaps(records: readonly RequestRecord[]): RetryGap[] {
  const byCall = new Map<string, RequestRecord[]>();
  for (const record of records) {
    const key = callKey(record);
    if (key !== undefined) byCall.set(key, [...(byCall.get(key) ?? []), record]);
  }
  const gaps: RetryGap[] = [];
  for (const [key, attempts] of byCall) {
    const ordered = [...attempts].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    ordered.forEach((attempt, index) => {
      const next = ordered[index + 1];
      if (!next || !RETRY_AFTER_STATUSES.has(attempt.status)) return;
      gaps.push({ key, status: attempt.status, gapMs: Date.parse(next.time) - Date.parse(attempt.time) });
    });
  }
  return gaps;
}
