import { z } from 'zod';
import type { ChatJobs } from '../commands/chat/ports.js';
import type { ChatCore } from '../commands/chat/ops.js';
import { defineJob, type JobDefinition, type Scheduler } from '../storage/scheduler.js';
import { createLateBinding, type LateBinding } from './late-binding.js';

/**
 * The chat core's scheduled jobs (Agenda, through storage/scheduler.ts): approval expiry (one run per request,
 * at its expiry) and the daily digest (one repeating job per subscription, at its local time), plus ChatJobs,
 * the core's port for scheduling them.
 *
 * Start-up order, as for the engine's jobs: the scheduler needs these definitions, the chat core needs
 * ChatJobs (on the scheduler), and the definitions need the core; they reach it through a ChatCoreRef that
 * the composition root fills once the core exists.
 */

export type ChatCoreRef = LateBinding<ChatCore>;

export function createChatCoreRef(waitMs = 60_000): ChatCoreRef {
  return createLateBinding('The chat core was not started in time for a scheduled job.', waitMs);
}

const requestJobData = z.object({ requestId: z.string().min(1) });
const digestJobData = z.object({ subscriptionId: z.string().min(1) });

export interface ChatJobDefinitions {
  approvalExpiry: JobDefinition<typeof requestJobData>;
  digest: JobDefinition<typeof digestJobData>;
  /** For bot/jobs.ts. */
  all: readonly JobDefinition[];
}

export function chatJobDefinitions(coreRef: ChatCoreRef): ChatJobDefinitions {
  const approvalExpiry = defineJob({
    name: 'chat.approval-expiry',
    data: requestJobData,
    run: async ({ requestId }, { logger }) => {
      const core = await coreRef.get();
      await core.expireRequest(requestId);
      logger.info({ requestId }, 'approval request expiry checked');
    },
  });
  const digest = defineJob({
    name: 'chat.digest',
    data: digestJobData,
    // A digest reads counts and the audit log; a few at once is plenty.
    concurrency: 2,
    run: async ({ subscriptionId }, { logger }) => {
      const core = await coreRef.get();
      const result = await core.postDigest(subscriptionId);
      logger.info({ subscriptionId, result }, 'daily digest');
    },
  });
  return { approvalExpiry, digest, all: [approvalExpiry, digest] };
}

/** '08:30' → '30 8 * * *' (minute hour, every day). */
export function dailyCron(time: string): string {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (match === null) throw new Error(`"${time}" is not a time of day (HH:MM).`);
  return `${Number(match[2])} ${Number(match[1])} * * *`;
}

export function createChatJobs(scheduler: Scheduler, jobs: ChatJobDefinitions): ChatJobs {
  return {
    async scheduleApprovalExpiry(requestId, at) {
      await scheduler.cancel(jobs.approvalExpiry, { requestId });
      await scheduler.schedule(jobs.approvalExpiry, at, { requestId });
    },
    async cancelApprovalExpiry(requestId) {
      await scheduler.cancel(jobs.approvalExpiry, { requestId });
    },
    async scheduleDigest(subscriptionId, time, timeZone) {
      await scheduler.every(
        jobs.digest,
        dailyCron(time),
        { subscriptionId },
        { timezone: timeZone, uniqueKey: { 'data.subscriptionId': subscriptionId } },
      );
    },
    async cancelDigest(subscriptionId) {
      await scheduler.cancel(jobs.digest, { subscriptionId });
    },
  };
}

/**
 * Ready-made wiring for the static registry in bot/jobs.ts: add CHAT_JOBS.all there, and at start-up call
 * attachChatJobs(core) once the core exists (ChatJobs for the core: createChatJobs(scheduler, CHAT_JOBS)).
 */
const defaultCoreRef = createChatCoreRef();
export const CHAT_JOBS: ChatJobDefinitions = chatJobDefinitions(defaultCoreRef);

export function attachChatJobs(core: ChatCore): void {
  defaultCoreRef.set(core);
}

/** The chat core's job definitions, for bot/jobs.ts. */
export const CHAT_JOB_DEFINITIONS: readonly JobDefinition[] = CHAT_JOBS.all;
