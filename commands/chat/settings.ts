import { z } from 'zod';
import { platformSchema, roleSchema } from './model.js';

/**
 * The chat core's settings. Pure schema: the composition root (bot/) maps environment variables to this shape;
 * nothing here reads the environment.
 */

export const APPROVAL_MODES = ['self-confirm', 'second-admin'] as const;
export const approvalModeSchema = z.enum(APPROVAL_MODES);
export type ApprovalMode = z.infer<typeof approvalModeSchema>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** A person by platform and ChatUser.id (Teams `tenantId:aadObjectId`, Slack `teamId:userId`). */
export const chatPrincipalSettingSchema = z.object({ platform: platformSchema, id: z.string().min(1) });

/** Whether `name` is an IANA time zone this runtime knows (Intl is the authority). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const approvalSettingsSchema = z.object({
  /** Per command (e.g. "unbind", "admins grant"): self-confirm or a second admin. Unlisted: the command's default. */
  commands: z.record(z.string(), approvalModeSchema).default({}),
  /** A request touching more users than this needs `bulkApprovers` approvers, whatever the command's mode. */
  bulkThreshold: z.number().int().min(1).default(50),
  bulkApprovers: z.number().int().min(1).max(5).default(2),
  /** Whether a requester who is an approver may approve their own request (never for disconnect). */
  allowSelfApproval: z.boolean().default(false),
  requestTtlMs: z
    .number()
    .int()
    .min(60_000)
    .max(30 * DAY_MS)
    .default(DAY_MS),
  /** Where requests that need approvers are posted, besides the requester's conversation. */
  channel: z
    .object({ platform: platformSchema, conversationId: z.string().min(1) })
    .nullable()
    .default(null),
});

const digestSettingsSchema = z.object({
  defaultTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
    .default('09:00'),
  defaultTimeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Paris').default('UTC'),
});

export const chatSettingsSchema = z.object({
  /** Admins from configuration: always admins, never revocable in chat. */
  firstAdmins: z.array(chatPrincipalSettingSchema).default([]),
  /** The role of anyone without a grant; null = no access until an admin grants one. */
  defaultRole: roleSchema.nullable().default(null),
  approvals: approvalSettingsSchema.default(approvalSettingsSchema.parse({})),
  digest: digestSettingsSchema.default(digestSettingsSchema.parse({})),
  /** At most one card update per message per interval (Slack Tier 3; Teams 7/s per conversation). */
  cardUpdateIntervalMs: z.number().int().min(100).max(60_000).default(1000),
  /** A run renews its lease while it works; a lease that ran out marks a crashed run for resumeInterrupted(). */
  executionLeaseMs: z.number().int().min(1000).default(120_000),
  /** Most rows a list card (import-preview, audit) keeps for paging and CSV. */
  listLimit: z.number().int().min(10).max(20_000).default(5000),
});
export type ChatSettings = z.output<typeof chatSettingsSchema>;
export type ChatSettingsInput = z.input<typeof chatSettingsSchema>;
