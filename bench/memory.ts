/**
 * Peak resident set size of a stretch of work, sampled from process.memoryUsage.rss() on an interval.
 * Sampling cannot see inside one long synchronous span (timers only fire between tasks), so the sampler also
 * samples when it stops; `processPeakRssBytes` gives the operating system's lifetime peak for comparison.
 */
export interface RssSampler {
  /** Stops sampling and returns the highest RSS seen, in bytes. */
  stop(): number;
  /** Highest RSS so far, in bytes. */
  peak(): number;
}

export function startRssSampler(intervalMs = 20): RssSampler {
  let peak = process.memoryUsage.rss();
  const sample = (): void => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
    peak: () => peak,
  };
}

/** Runs `work` while sampling RSS; returns its result and the peak in bytes. */
export async function withPeakRss<T>(
  work: () => Promise<T>,
  intervalMs = 20,
): Promise<{ result: T; peakRssBytes: number }> {
  const sampler = startRssSampler(intervalMs);
  try {
    const result = await work();
    return { result, peakRssBytes: sampler.stop() };
  } finally {
    sampler.stop();
  }
}

/** The process's peak RSS since it started (getrusage ru_maxrss), in bytes. */
export function processPeakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

export const MEGABYTE = 1024 * 1024;
