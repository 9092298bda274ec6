import type { SandboxUser } from './model.js';
import type { SentMail } from './routes/context.js';
import type { TenantStore } from './tenant/store.js';
import type { ThrottleLevels, ThrottleLimiter } from './throttle/limiter.js';

export type { SentMail } from './routes/context.js';

/** One Graph request (or $batch item) as the sandbox answered it. */
export interface RequestRecord {
  /** Sandbox clock, ISO 8601. */
  time: string;
  method: string;
  /** Path with version, without the query: '/v1.0/users'. */
  path: string;
  /** Raw query string without '?', '' when none. */
  query: string;
  status: number;
  /** x-ms-resource-unit charged (null when the request never reached the limiter, e.g. a 401). */
  resourceUnits: number | null;
  batchItemId?: string;
  requestId: string;
  clientRequestId: string;
}

/** Only the most recent requests are kept, so long benchmarks do not grow memory without bound. */
export const MAX_REQUEST_RECORDS = 10_000;

/**
 * What tests (and, with exposeInspection, HTTP clients under /_sandbox) can see of the tenant: requests seen,
 * current users, mail sent through sendMail and the throttling buckets. Everything returned is a copy.
 */
export class Inspection {
  private requestLog: RequestRecord[] = [];
  private mailLog: SentMail[] = [];

  constructor(
    private readonly store: TenantStore,
    private readonly limiter: ThrottleLimiter,
  ) {}

  recordRequest(record: RequestRecord): void {
    this.requestLog.push(record);
    if (this.requestLog.length > MAX_REQUEST_RECORDS * 1.5)
      this.requestLog = this.requestLog.slice(-MAX_REQUEST_RECORDS);
  }

  recordMail(mail: SentMail): void {
    this.mailLog.push(mail);
  }

  requests(): RequestRecord[] {
    return this.requestLog.slice(-MAX_REQUEST_RECORDS).map((record) => ({ ...record }));
  }

  /** Active users in id order, including write-only fields (password) so tests can check what was set. */
  users(): SandboxUser[] {
    return [...this.store.activeUsersAfter(undefined)].map((user) => structuredClone(user));
  }

  deletedUsers(): SandboxUser[] {
    return this.store.deletedUsers().map((user) => structuredClone(user));
  }

  sentMail(): SentMail[] {
    return this.mailLog.map((mail) => structuredClone(mail));
  }

  bucketLevels(): ThrottleLevels {
    return this.limiter.levels();
  }

  /** Forgets recorded requests and mail and refills every throttling bucket; the directory is untouched. */
  reset(): void {
    this.requestLog = [];
    this.mailLog = [];
    this.limiter.reset();
  }
}
