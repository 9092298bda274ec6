import type { EngineLogger } from '../../commands/engine/context.js';
import { createEngine, type Engine } from '../../commands/engine/engine.js';
import type { Actor, NewDirectoryUser } from '../../commands/engine/model.js';
import type { Clock, EngineJobs, M365Gateway } from '../../commands/engine/ports.js';
import type { EngineSettingsInput } from '../../commands/engine/settings.js';
import { createGraphClient } from '../../graph/client.js';
import { graphConnectionSchema } from '../../graph/connection.js';
import { createM365Gateway, type GatewaySettingsInput, type GraphGateway } from '../../graph/gateway.js';
import type { RequestRecord } from '../../sandbox/inspection.js';
import type { SandboxOptionsInput } from '../../sandbox/options.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { ensureIndexes } from '../../storage/database.js';
import { createRepositories, type Repositories } from '../../storage/repositories/index.js';
import { openTestDatabase, type TestDatabase } from './database.js';

/**
 * A real engine for tests: the real repositories on a fresh database of the dev server, the real Graph
 * gateway (msal-node + graph-client) against an in-process sandbox tenant, all on the sandbox's clock.
 * Scheduled jobs are recorded in memory (RecordingJobs) so tests can look at them and fire them by hand;
 * test/engine/engine-jobs.test.ts covers the Agenda-backed implementation.
 */

export const ADMIN: Actor = { platform: 'test', id: 'admin-1', displayName: 'Test Admin' };

export interface ScheduledJob {
  kind: 'password-expiry' | 'address-release-retry';
  userId: string;
  at: Date;
  bind?: { licenceSku?: string; welcome: boolean };
}

/** EngineJobs in memory: one job per (kind, user), each schedule replacing the last. */
export class RecordingJobs implements EngineJobs {
  readonly jobs = new Map<string, ScheduledJob>();

  private put(job: ScheduledJob): Promise<void> {
    this.jobs.set(`${job.kind}/${job.userId}`, job);
    return Promise.resolve();
  }

  private drop(kind: ScheduledJob['kind'], userId: string): Promise<void> {
    this.jobs.delete(`${kind}/${userId}`);
    return Promise.resolve();
  }

  get(kind: ScheduledJob['kind'], userId: string): ScheduledJob | undefined {
    return this.jobs.get(`${kind}/${userId}`);
  }

  schedulePasswordExpiry = (userId: string, at: Date) => this.put({ kind: 'password-expiry', userId, at });
  cancelPasswordExpiry = (userId: string) => this.drop('password-expiry', userId);
  scheduleAddressReleaseRetry = (
    userId: string,
    at: Date,
    bind?: { licenceSku?: string; welcome: boolean },
  ) => this.put({ kind: 'address-release-retry', userId, at, ...(bind ? { bind } : {}) });
  cancelAddressReleaseRetry = (userId: string) => this.drop('address-release-retry', userId);
}

export interface EngineHarnessOptions {
  sandbox?: SandboxOptionsInput;
  settings?: EngineSettingsInput;
  gateway?: Omit<GatewaySettingsInput, 'connection'>;
  /** Separate database per purpose within one test file. */
  purpose?: string;
  /** Connect the engine to the sandbox tenant first (default true). */
  connect?: boolean;
  /** Other jobs than the in-memory recorder (the Agenda-backed ones). */
  jobs?: EngineJobs;
  logger?: EngineLogger;
}

export interface EngineHarness {
  sandbox: Sandbox;
  gateway: GraphGateway;
  database: TestDatabase;
  repositories: Repositories;
  jobs: RecordingJobs;
  clock: Clock;
  settings: EngineSettingsInput;
  engine: Engine;
  /** A fresh engine instance on the same database, tenant and jobs (a restarted process), optionally on another gateway. */
  restart(gateway?: M365Gateway): Engine;
  close(): Promise<void>;
}

/** A cloud-only enabled member with a mailbox, not O'Brien: the welcome sender. */
function senderMailbox(sandbox: Sandbox): string {
  const sender = sandbox.inspection
    .users()
    .find(
      (user) =>
        user.userType === 'Member' &&
        user.accountEnabled &&
        user.onPremisesSyncEnabled !== true &&
        user.mail !== null &&
        !user.mail.includes("'"),
    );
  if (!sender?.mail) throw new Error('the sandbox tenant has no member that can send mail');
  return sender.userPrincipalName;
}

export async function openEngine(
  testFile: string,
  options: EngineHarnessOptions = {},
): Promise<EngineHarness> {
  const sandbox = await startSandbox({ throttling: 'off', size: 25, ...options.sandbox });
  const database = await openTestDatabase(testFile, options.purpose);
  await ensureIndexes(database.db);
  const clock: Clock = { now: () => new Date(sandbox.clock.now()) };
  const repositories = createRepositories(database.db, { clock });
  const gateway = createM365Gateway(
    { connection: sandbox.connection(), ...options.gateway },
    { clock: sandbox.clock },
  );
  const recording = new RecordingJobs();
  const settings: EngineSettingsInput = {
    welcomeMail: { senderUpn: senderMailbox(sandbox) },
    bulkConcurrency: 20,
    ...options.settings,
  };
  const build = (via: M365Gateway = gateway): Engine =>
    createEngine({
      ...repositories,
      gateway: via,
      jobs: options.jobs ?? recording,
      clock,
      settings,
      ...(options.logger ? { logger: options.logger } : {}),
    });
  const engine = build();
  if (options.connect ?? true) await engine.connect(ADMIN);
  return {
    sandbox,
    gateway,
    database,
    repositories,
    jobs: recording,
    clock,
    settings,
    engine,
    restart: build,
    close: async () => {
      await database.close();
      await sandbox.close();
    },
  };
}

/** Requests that are not reads (the gateway's size probe and every GET excluded). */
export function writeRequests(sandbox: Sandbox): RequestRecord[] {
  return sandbox.inspection
    .requests()
    .filter((record) => record.method !== 'GET' && record.path !== '/v1.0/$batch');
}

/** A directory user created here (not imported), ready to bind. */
export function directoryUser(email: string, overrides: Partial<NewDirectoryUser> = {}): NewDirectoryUser {
  const local = email.slice(0, email.indexOf('@'));
  const [given = 'Test', family = 'User'] = local.split('.');
  const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  return {
    email,
    givenName: capital(given),
    surname: capital(family),
    displayName: `${capital(given)} ${capital(family)}`,
    jobTitle: 'Engineer',
    department: 'Platform',
    company: null,
    addresses: [],
    phoneNumbers: [],
    employeeId: null,
    usageLocation: null,
    password: null,
    source: 'created',
    importedFromM365Id: null,
    ...overrides,
  };
}

/**
 * POST /users requests the tenant answered (top-level and $batch items). The log keeps no bodies, so "one
 * create per UPN" is checked as: creates answered == distinct new UPNs, and no create was refused.
 */
export function createRequests(sandbox: Sandbox): RequestRecord[] {
  return sandbox.inspection
    .requests()
    .filter((r) => r.method === 'POST' && /^\/v1\.0\/users\/?$/i.test(r.path));
}

/** assignLicense requests per user object id. */
export function licenceRequestsPerUser(sandbox: Sandbox): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of sandbox.inspection.requests()) {
    const match = /^\/v1\.0\/users\/([^/]+)\/assignLicense$/i.exec(record.path);
    if (record.method !== 'POST' || !match?.[1]) continue;
    const id = decodeURIComponent(match[1]);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/**
 * Changes made in Microsoft 365 behind the directory's back (an admin in the Microsoft 365 admin center), through
 * a plain Graph client on the same app registration.
 */
export function outOfBand(sandbox: Sandbox) {
  const { client } = createGraphClient(graphConnectionSchema.parse(sandbox.connection()), { retry: false });
  return {
    deleteUser: async (id: string): Promise<void> => {
      await client.api(`/users/${id}`).delete();
    },
    updateUser: async (id: string, patch: Record<string, unknown>): Promise<void> => {
      await client.api(`/users/${id}`).patch(patch);
    },
  };
}

/** A logger that keeps every line (fields and message) as JSON, to prove what never reaches the logs. */
export function capturingLogger(): EngineLogger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (fields: Record<string, unknown>, message: string): void => {
    lines.push(
      JSON.stringify({
        ...fields,
        err: fields['err'] instanceof Error ? fields['err'].message : null,
        message,
      }),
    );
  };
  return { lines, info: keep, warn: keep, error: keep };
}

/**
 * The gateway, except that the n-th successful call of `method` aborts `controller` as it returns: the engine's
 * step is then left 'started' although Microsoft 365 has it, the hardest case for a resume.
 */
export function crashingGateway(
  gateway: M365Gateway,
  method: 'createUser' | 'assignLicence' | 'sendMail',
  n: number,
  controller: AbortController,
): M365Gateway {
  let calls = 0;
  return new Proxy(gateway, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== method || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        calls += 1;
        if (calls === n) controller.abort(new Error(`simulated crash after ${method} #${String(n)}`));
        return result;
      };
    },
  });
}
