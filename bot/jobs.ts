import type { JobDefinition } from '../storage/scheduler.js';
import { CHAT_JOB_DEFINITIONS } from './chat-jobs.js';
import { ENGINE_JOBS } from './engine-jobs.js';

/**
 * Every scheduled job the bot runs, registered in this one place: the engine's (password expiry,
 * address-release retry, periodic reconcile) and the chat core's (approval expiry, daily digest). Agenda only
 * runs jobs defined here. Their handlers reach the engine and the chat core through the refs bot/app.ts fills
 * once those exist; a job that comes due earlier waits for them.
 */
export const JOBS: readonly JobDefinition[] = [...ENGINE_JOBS.all, ...CHAT_JOB_DEFINITIONS];
