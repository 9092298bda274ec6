import { z } from 'zod';

/**
 * The chat core's own records (role grants, approval requests, digest subscriptions), as zod schemas: the
 * storage boundary. Repositories in storage/repositories/chat parse every document they read with these.
 */

export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const platformSchema = z.enum(['teams', 'slack']);

export const chatUserSchema = z.object({
  platform: platformSchema,
  id: z.string().min(1),
  displayName: z.string(),
  platformUserId: z.string(),
});

export const conversationRefSchema = z.object({
  platform: platformSchema,
  id: z.string().min(1),
  kind: z.enum(['personal', 'channel', 'group']),
  extra: z.record(z.string(), z.unknown()).optional(),
});

export const messageRefSchema = z.object({
  conversation: conversationRefSchema,
  messageId: z.string().min(1),
});

/** Someone who did something to a request or a role: enough to say who, never more. */
export const principalSchema = z.object({
  platform: platformSchema,
  id: z.string().min(1),
  displayName: z.string(),
});
export type Principal = z.infer<typeof principalSchema>;

export const roleGrantSchema = z.object({
  platform: platformSchema,
  /** ChatUser.id: Teams `tenantId:aadObjectId`, Slack `teamId:userId`. */
  userId: z.string().min(1),
  displayName: z.string(),
  role: roleSchema,
  grantedBy: principalSchema,
  grantedAt: z.date(),
});
export type RoleGrant = z.infer<typeof roleGrantSchema>;

export const REQUEST_STATES = [
  'pending',
  'approved',
  'executing',
  'completed',
  'cancelled',
  'expired',
  'failed',
] as const;
export const requestStateSchema = z.enum(REQUEST_STATES);
export type RequestState = z.infer<typeof requestStateSchema>;
export const FINAL_STATES: readonly RequestState[] = ['completed', 'cancelled', 'expired', 'failed'];

/** What a request needs before it runs, fixed when it is created (policy.ts). */
export const approvalPolicySchema = z.object({
  /** self-confirm: the requester confirms; approvers: `required` distinct approvers approve. */
  mode: z.enum(['self-confirm', 'approvers']),
  required: z.number().int().min(1),
  /** The least role an approver needs (admin for disconnect). */
  approverRole: roleSchema,
  /** Whether the requester's own approval counts. */
  requesterMayApprove: z.boolean(),
  /** Why this policy applies, in plain words (shown on the card). */
  reason: z.string(),
});
export type ApprovalPolicy = z.infer<typeof approvalPolicySchema>;

export const approvalSchema = principalSchema.extend({ at: z.date() });
export type Approval = z.infer<typeof approvalSchema>;

export const requestFailureSchema = z.object({
  email: z.string(),
  code: z.string(),
  message: z.string(),
});
export type RequestFailure = z.infer<typeof requestFailureSchema>;

/** How a run ended; never a password or any other secret. */
export const requestOutcomeSchema = z.object({
  summary: z.string(),
  totals: z.record(z.string(), z.number()),
  failures: z.array(requestFailureSchema),
  /** Whether "Retry failed" can re-plan the failed users by e-mail. */
  retryable: z.boolean(),
});
export type RequestOutcome = z.infer<typeof requestOutcomeSchema>;

export const approvalRequestSchema = z.object({
  /** Opaque; also the engine's operationId (the idempotency key) and the id buttons carry. */
  id: z.string().min(1).max(48),
  command: z.string().min(1),
  /** The command's parsed arguments (its zod schema's output), re-validated before use. */
  args: z.record(z.string(), z.unknown()),
  requester: chatUserSchema,
  conversation: conversationRefSchema,
  summary: z.string(),
  /** How many users the request touches (the bulk threshold applies to it). */
  targets: z.number().int().min(0),
  policy: approvalPolicySchema,
  approvals: z.array(approvalSchema),
  state: requestStateSchema,
  /** Who moved it out of pending (approved, cancelled) and when. */
  decidedBy: principalSchema.nullable(),
  decidedAt: z.date().nullable(),
  createdAt: z.date(),
  expiresAt: z.date(),
  updatedAt: z.date(),
  /** Bumped by every update: approvals are added with an optimistic version precondition. */
  version: z.number().int().min(0),
  /** While executing: the run's lease; a resume takes over only a lease that ran out (crashed process). */
  leaseUntil: z.date().nullable(),
  attempts: z.number().int().min(0),
  outcome: requestOutcomeSchema.nullable(),
  /** The request whose failed users this one retries. */
  retryOf: z.string().nullable(),
});
export type ApprovalRequest = z.infer<typeof approvalRequestSchema>;
export type NewApprovalRequest = Omit<
  ApprovalRequest,
  'updatedAt' | 'version' | 'leaseUntil' | 'attempts' | 'outcome' | 'decidedBy' | 'decidedAt' | 'approvals'
>;

export const digestSubscriptionSchema = z.object({
  /** `platform:conversationId`. */
  id: z.string().min(1),
  conversation: conversationRefSchema,
  /** Local time of day, HH:MM (24 h). */
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  /** IANA time zone, e.g. Europe/Paris. */
  timeZone: z.string().min(1),
  createdBy: principalSchema,
  createdAt: z.date(),
  /** The local day (YYYY-MM-DD in timeZone) of the last post: one post per conversation and day. */
  lastPostedDay: z.string().nullable(),
});
export type DigestSubscription = z.infer<typeof digestSubscriptionSchema>;
