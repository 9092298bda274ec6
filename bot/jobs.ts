import type { JobDefinition } from '../storage/scheduler.js';

/**
 * Every scheduled job the bot runs, registered in this one place (password expiry, approval expiry, digests
 * and reconcile join as their features land). Agenda only runs jobs defined here.
 */
export const JOBS: readonly JobDefinition[] = [];
