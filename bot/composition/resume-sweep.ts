import type { Logger } from 'pino';
import type { ChatCore } from '../../commands/chat/ops.js';

/**
 * Resumes interrupted chat runs while the bot runs, not only at start. A run whose process was killed keeps
 * its execution lease until it runs out (chat settings executionLeaseMs), so a replica restarted sooner — or
 * a run cut off by a database outage, whose lease could not be given up — finds it still leased at start;
 * without this sweep nothing would pick it up until yet another restart. Taking a run over is one
 * conditional claim (approvals/service.ts), so a sweep racing a click, a start-up resume or another replica
 * starts it at most once.
 */

/** A quarter of the default 120 s execution lease: a lapsed run waits at most this much longer. */
export const RESUME_SWEEP_INTERVAL_MS = 30_000;

export interface ResumeSweep {
  stop(): void;
}

export function startResumeSweep(
  core: ChatCore,
  logger: Logger,
  intervalMs = RESUME_SWEEP_INTERVAL_MS,
): ResumeSweep {
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    core
      .resumeInterrupted()
      .then(
        (resumed) => {
          if (resumed > 0) logger.info({ resumed }, 'resumed chat requests whose run had stopped');
        },
        (error: unknown) => {
          // A database outage: the next sweep looks again.
          logger.warn(
            { err: error instanceof Error ? error.name : 'unknown' },
            'could not look for stopped runs',
          );
        },
      )
      .finally(() => {
        sweeping = false;
      });
  }, intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
    },
  };
}
