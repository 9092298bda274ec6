import { MAX_REQUEST_RECORDS, type RequestRecord } from '../../sandbox/inspection.js';
import type { Sandbox } from '../../sandbox/server.js';

/**
 * What the sandbox tenant saw of a run, from sandbox.inspection: responses (top-level requests and $batch items;
 * a $batch envelope is a container, not a response of its own), 429s, and the accepted writes with their
 * sandbox-clock times. Writes are counted the way Graph meters them: every non-GET request or batch item.
 */

/** The published per app+tenant write quota (graph-behaviour §7): 3,000 writes per 150 s. */
export const WRITE_QUOTA = { writes: 3_000, windowSeconds: 150 } as const;
export const WRITE_QUOTA_PER_SECOND = WRITE_QUOTA.writes / WRITE_QUOTA.windowSeconds;

export interface GraphLog {
  responses: number;
  throttled: number;
  /** Non-GET requests and batch items Graph accepted (2xx). */
  writes: number;
  /** Sandbox ms since the epoch of every accepted write, ascending. */
  writeTimes: number[];
  reads: number;
  /** $batch envelopes sent. */
  batches: number;
}

const isEnvelope = (record: RequestRecord): boolean =>
  record.method === 'POST' && /^\/v1\.0\/\$batch\/?$/i.test(record.path);

/** Reads the log; refuses when the log has overflowed, since the figures would then be short. */
export function readGraphLog(sandbox: Sandbox): GraphLog {
  const records = sandbox.inspection.requests();
  if (records.length >= MAX_REQUEST_RECORDS) {
    throw new Error(
      `the sandbox kept only its last ${String(MAX_REQUEST_RECORDS)} requests; run fewer users per measurement`,
    );
  }
  const log: GraphLog = { responses: 0, throttled: 0, writes: 0, writeTimes: [], reads: 0, batches: 0 };
  for (const record of records) {
    if (isEnvelope(record)) {
      log.batches += 1;
      continue;
    }
    log.responses += 1;
    if (record.status === 429) log.throttled += 1;
    if (record.method === 'GET') log.reads += 1;
    else if (record.status >= 200 && record.status < 300) {
      log.writes += 1;
      log.writeTimes.push(Date.parse(record.time));
    }
  }
  log.writeTimes.sort((a, b) => a - b);
  return log;
}

export interface QuotaUse {
  /** Sandbox seconds from the first accepted write to the last. */
  spanSeconds: number;
  /** Accepted writes per sandbox second over that span. */
  writesPerSecond: number;
  /**
   * Accepted writes ÷ what the quota allows in the same span. The quota is a token bucket that starts full, so
   * in T seconds it lets through at most 3,000 + 20·T writes; 1.0 means the run went exactly as fast as the
   * quota permits, burst included. For a run much longer than 150 s this tends to writes/s ÷ 20/s.
   */
  quotaRatio: number;
  /** Writes per sandbox second after the first 3,000 (the bucket's initial content), ÷ 20/s. */
  sustainedRatio: number;
}

export function quotaUse(writeTimes: readonly number[]): QuotaUse {
  const first = writeTimes[0];
  const last = writeTimes[writeTimes.length - 1];
  if (first === undefined || last === undefined) {
    return { spanSeconds: 0, writesPerSecond: 0, quotaRatio: 0, sustainedRatio: 0 };
  }
  const spanSeconds = Math.max((last - first) / 1000, 1e-3);
  const allowed = WRITE_QUOTA.writes + WRITE_QUOTA_PER_SECOND * spanSeconds;
  const burstEnd = writeTimes[WRITE_QUOTA.writes - 1];
  const afterBurst = writeTimes.length - WRITE_QUOTA.writes;
  const sustainedRatio =
    burstEnd === undefined || afterBurst <= 0 || last <= burstEnd
      ? 0
      : afterBurst / ((last - burstEnd) / 1000) / WRITE_QUOTA_PER_SECOND;
  return {
    spanSeconds,
    writesPerSecond: writeTimes.length / spanSeconds,
    quotaRatio: writeTimes.length / allowed,
    sustainedRatio,
  };
}

/** Accepted writes per bucket of `bucketSeconds` sandbox seconds from the first write (for the log). */
export function writeTimeline(writeTimes: readonly number[], bucketSeconds: number): number[] {
  const first = writeTimes[0];
  if (first === undefined) return [];
  const last = writeTimes[writeTimes.length - 1] ?? first;
  const buckets = new Array<number>(Math.floor((last - first) / 1000 / bucketSeconds) + 1).fill(0);
  for (const time of writeTimes) {
    const index = Math.floor((time - first) / 1000 / bucketSeconds);
    buckets[index] = (buckets[index] ?? 0) + 1;
  }
  return buckets;
}
