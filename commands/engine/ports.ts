/**
 * What the provisioning engine needs from the outside world. The engine depends only on these interfaces;
 * storage/ implements the repositories on MongoDB, graph/ implements M365Directory on Microsoft Graph, and
 * bot/ wires them together. No implementation detail (driver, SDK, chat platform) leaks through them.
 */
import type {
  Actor,
  AuditEvent,
  Binding,
  BindingState,
  Connection,
  DirectoryUser,
  NewAuditEvent,
  NewDirectoryUser,
  Operation,
  OperationUser,
  PasswordState,
  StepState,
} from './model.js';
import type { M365User, NewM365User, SubscribedSku, SyncedPatch, TenantInfo } from './m365.js';

export type { M365User, NewM365User, SubscribedSku, SyncedPatch, TenantInfo } from './m365.js';

// ——— The bot's directory (MongoDB) ———

export interface DirectoryUsers {
  /** Throws DirectoryConflictError when the email exists (case-insensitively). */
  insert(user: NewDirectoryUser): Promise<DirectoryUser>;
  findById(id: string): Promise<DirectoryUser | null>;
  findByEmail(email: string): Promise<DirectoryUser | null>;
  /** Bulk lookup keyed by lower-case email; missing emails are absent from the map. */
  findByEmails(emails: readonly string[]): Promise<Map<string, DirectoryUser>>;
  update(
    id: string,
    patch: Partial<Omit<DirectoryUser, 'id' | 'email' | 'emailLower' | 'createdAt'>>,
  ): Promise<DirectoryUser>;
  setPasswordState(id: string, state: PasswordState): Promise<void>;
}

export interface BindingFilter {
  states?: readonly BindingState[];
}

export interface Bindings {
  get(userId: string): Promise<Binding | null>;
  findByEmail(email: string): Promise<Binding | null>;
  findByM365Ids(m365Ids: readonly string[]): Promise<Map<string, Binding>>;
  /** Bulk lookup keyed by user id; users without a binding are absent from the map. */
  findByUserIds(userIds: readonly string[]): Promise<Map<string, Binding>>;
  /** Creates the binding, or returns null when the user already has one (nothing is overwritten). */
  create(binding: Omit<Binding, 'updatedAt'>): Promise<Binding | null>;
  /**
   * One atomic, conditional update: applies `changes` only if the binding's state is one of `from`.
   * Returns the updated binding, or null when the precondition failed (someone else moved it first).
   */
  transition(
    userId: string,
    from: readonly BindingState[],
    changes: Partial<Omit<Binding, 'userId' | 'emailLower' | 'boundAt' | 'boundBy'>>,
  ): Promise<Binding | null>;
  remove(userId: string): Promise<boolean>;
  /** Removes every binding (deactivate); returns how many. */
  removeAll(): Promise<number>;
  /** Streams bindings in stable order, page by page, with bounded memory. */
  list(filter?: BindingFilter): AsyncIterable<Binding>;
  countByState(): Promise<Record<BindingState, number>>;
}

export interface ConnectionStore {
  get(): Promise<Connection | null>;
  /** Records an active connection to this tenant (one tenant per bot; a different tenant replaces it). */
  activate(tenantId: string, actor: Actor): Promise<Connection>;
  /** Active → deactivated, atomically; returns null if it was not active. */
  deactivate(actor: Actor): Promise<Connection | null>;
}

export interface AuditQuery {
  target?: string;
  operationId?: string;
  since?: Date;
  limit?: number;
}

/** Append-only. Parameters must never hold secrets; the implementation refuses secret-looking keys. */
export interface AuditLog {
  append(event: NewAuditEvent): Promise<AuditEvent>;
  query(query: AuditQuery): Promise<AuditEvent[]>;
  /** The latest outcome recorded for each target of `action` in one operation (all of them, streamed). */
  outcomesOf(operationId: string, action: string): Promise<Map<string, AuditEvent['outcome']>>;
}

export interface OperationStart {
  id: string;
  kind: string;
  actor: Actor;
  parameters: Record<string, unknown>;
  emails: readonly string[];
}

/** Idempotent operations: a crash in the middle resumes from the recorded steps. */
/** One write's worth of a user's progress in an operation. */
export interface UserProgress {
  steps?: Record<string, StepState>;
  result?: {
    outcome: 'done' | 'failed' | 'skipped';
    m365Id?: string | null;
    errorCode?: string | null;
    errorMessage?: string | null;
  };
}

export interface Operations {
  /** Creates the operation and one pending record per user; with an existing id, returns it unchanged. */
  begin(start: OperationStart): Promise<{ operation: Operation; resumed: boolean }>;
  users(operationId: string): Promise<OperationUser[]>;
  /**
   * Records, in one write, what happened to one user since the last record: step states (later entries win)
   * and, once the user is settled, its outcome. Records of a user not in the operation are ignored.
   */
  record(operationId: string, emailLower: string, progress: UserProgress): Promise<void>;
  complete(operationId: string): Promise<void>;
  /** Operations a crash left running, to resume at start-up. */
  running(): Promise<Operation[]>;
}

// ——— Microsoft 365 (implemented by the one Graph gateway) ———

/** Collects the Graph request-id of every call made with it, for the audit log. */
export interface RequestTrace {
  requestIds: string[];
}

export interface M365UserQuery {
  /** Restrict to these email domains (mail or UPN), if given. */
  domains?: readonly string[];
  department?: string;
  accountEnabled?: boolean;
}

export interface M365Directory {
  getTenantInfo(trace?: RequestTrace): Promise<TenantInfo>;
  /** Every user matching the query, one page at a time (bounded memory). */
  listUsers(query?: M365UserQuery, trace?: RequestTrace): AsyncIterable<M365User[]>;
  /** By mail, UPN or proxy address (escaped in one helper); null when none. */
  findUserByEmail(email: string, trace?: RequestTrace): Promise<M365User | null>;
  getUser(id: string, trace?: RequestTrace): Promise<M365User | null>;
  createUser(user: NewM365User, trace?: RequestTrace): Promise<M365User>;
  updateUser(id: string, patch: SyncedPatch, trace?: RequestTrace): Promise<void>;
  setPassword(
    id: string,
    password: string,
    forceChangeNextSignIn: boolean,
    trace?: RequestTrace,
  ): Promise<void>;
  revokeSignInSessions(id: string, trace?: RequestTrace): Promise<void>;
  listSubscribedSkus(trace?: RequestTrace): Promise<SubscribedSku[]>;
  assignLicence(id: string, skuId: string, trace?: RequestTrace): Promise<void>;
  sendMail(
    fromMailbox: string,
    message: { to: string; subject: string; html: string },
    trace?: RequestTrace,
  ): Promise<void>;
}

/** A recorded write that a dry run refused to send. */
export interface WouldSend {
  method: string;
  path: string;
}

export interface M365Gateway extends M365Directory {
  /**
   * The same gateway in dry-run mode: reads go through, every non-GET request is refused (DryRunWriteError)
   * and recorded, so no code path can write by forgetting a flag.
   */
  dryRun(): M365Directory & { wouldSend(): WouldSend[] };
}

// ——— Scheduling and time ———

/** The engine's scheduled follow-ups (implemented with Agenda jobs in bot/). Each replaces an earlier one. */
export interface EngineJobs {
  /**
   * `replacesEarlier: false` when the caller knows no expiry job exists (the user had no expiring password):
   * skips the cancel, which on FerretDB scans every scheduled job.
   */
  schedulePasswordExpiry(userId: string, at: Date, options?: { replacesEarlier?: boolean }): Promise<void>;
  cancelPasswordExpiry(userId: string): Promise<void>;
  /** `bind` carries the original bind's options (licence, welcome) to the retry; optional, additive. */
  scheduleAddressReleaseRetry(
    userId: string,
    at: Date,
    bind?: { licenceSku?: string; welcome: boolean },
  ): Promise<void>;
  cancelAddressReleaseRetry(userId: string): Promise<void>;
}

export interface Clock {
  now(): Date;
}
