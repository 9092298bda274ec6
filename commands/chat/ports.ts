/**
 * What the chat core needs from the outside world. storage/repositories/chat implements the stores on
 * MongoDB, bot/chat-jobs.ts implements ChatJobs on Agenda; nothing here knows a driver or a chat SDK.
 */
import type { CardModel } from '../../cards/model.js';
import type { AuditEvent } from '../engine/model.js';
import type { Bindings, DirectoryUsers } from '../engine/ports.js';
import type {
  ApprovalRequest,
  DigestSubscription,
  NewApprovalRequest,
  Principal,
  RequestState,
  RoleGrant,
} from './model.js';
import type { ConversationRef, MessageRef, Platform } from './types.js';

export interface ChatRoles {
  get(platform: Platform, userId: string): Promise<RoleGrant | null>;
  list(): Promise<RoleGrant[]>;
  /** Creates or replaces the user's grant. */
  put(grant: RoleGrant): Promise<RoleGrant>;
  /** Removes the grant only while it still holds `role` (a conditional delete); false when it did not. */
  remove(platform: Platform, userId: string, role: RoleGrant['role']): Promise<boolean>;
}

/** What a conditional update of a request requires of the stored document. */
export interface RequestPrecondition {
  states: readonly RequestState[];
  /** The version read before the change (optimistic concurrency for approvals). */
  version?: number;
  /** Only when the run's lease ran out before this moment (taking over a crashed run). */
  leaseBefore?: Date;
}

export type RequestChanges = Partial<
  Pick<
    ApprovalRequest,
    'state' | 'approvals' | 'decidedBy' | 'decidedAt' | 'leaseUntil' | 'attempts' | 'outcome'
  >
>;

export interface ApprovalRequests {
  create(request: NewApprovalRequest): Promise<ApprovalRequest>;
  get(id: string): Promise<ApprovalRequest | null>;
  /**
   * One atomic conditional update (findOneAndUpdate with the precondition): bumps the version and returns
   * the updated request, or null when the precondition no longer held (someone else moved it first).
   */
  transition(
    id: string,
    precondition: RequestPrecondition,
    changes: RequestChanges,
  ): Promise<ApprovalRequest | null>;
  /** Pending requests that have not expired by `now`, oldest first. */
  listPending(now: Date, limit: number): Promise<ApprovalRequest[]>;
  countPending(now: Date): Promise<number>;
  /** Requests a crash may have left approved or executing. */
  listUnfinished(): Promise<ApprovalRequest[]>;
}

/** Which posted messages show a request's card (the requester's, the approvals channel's). */
export interface TrackedMessages {
  /** Idempotent: the same message is recorded once. */
  add(key: string, message: MessageRef): Promise<void>;
  list(key: string): Promise<MessageRef[]>;
}

/** Stored card content, so Previous / Next and "Download CSV" work from an opaque id. */
export interface ChatViews {
  put(id: string, card: CardModel): Promise<void>;
  get(id: string): Promise<CardModel | null>;
}

/** Conversations the bot has heard from, with the platform data needed to post there later. */
export interface ConversationRefs {
  remember(conversation: ConversationRef): Promise<void>;
  find(platform: Platform, id: string): Promise<ConversationRef | null>;
}

export interface DigestSubscriptions {
  put(subscription: DigestSubscription): Promise<void>;
  get(id: string): Promise<DigestSubscription | null>;
  remove(id: string): Promise<boolean>;
  /** Records `day` as posted unless it already is (one conditional update); true when this call claimed it. */
  claimDay(id: string, day: string): Promise<boolean>;
  /** Gives a claimed day back after a failed post, so the next run posts it. */
  releaseDay(id: string, day: string, previous: string | null): Promise<void>;
}

/** Read-only questions about the audit log the digest asks. */
export interface ChatAuditReader {
  /** The newest tenant-wide event (no target) with this action, e.g. the last reconcile's summary. */
  latestTenantEvent(action: string): Promise<AuditEvent | null>;
  /** Failed events since `since`: how many, and the newest `limit` of them. */
  failuresSince(since: Date, limit: number): Promise<{ count: number; recent: AuditEvent[] }>;
}

/** The chat core's scheduled jobs (Agenda in bot/chat-jobs.ts). Each schedule replaces an earlier one. */
export interface ChatJobs {
  scheduleApprovalExpiry(requestId: string, at: Date): Promise<void>;
  cancelApprovalExpiry(requestId: string): Promise<void>;
  /** A repeating job at `time` (HH:MM) local to `timeZone`, one per subscription. */
  scheduleDigest(subscriptionId: string, time: string, timeZone: string): Promise<void>;
  cancelDigest(subscriptionId: string): Promise<void>;
}

/** Read access to the engine's directory, for `status <email>`. */
export interface DirectoryReader {
  users: Pick<DirectoryUsers, 'findByEmail'>;
  bindings: Pick<Bindings, 'get'>;
}

export interface ChatStores {
  roles: ChatRoles;
  requests: ApprovalRequests;
  tracked: TrackedMessages;
  views: ChatViews;
  conversations: ConversationRefs;
  subscriptions: DigestSubscriptions;
  auditReader: ChatAuditReader;
}

/** The few log calls the chat core makes (pino fits). Never pass cards, results or secrets in `fields`. */
export interface ChatLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export function principalOf(user: { platform: Platform; id: string; displayName: string }): Principal {
  return { platform: user.platform, id: user.id, displayName: user.displayName };
}
