import type { Timers } from '../../commands/chat/execution/throttle.js';

/** A hand-driven clock for the card-update throttle: timers run only when the test moves the clock on. */
export function manualTimers() {
  let now = 0;
  const due: { at: number; run: () => void }[] = [];
  const timers: Timers = {
    now: () => now,
    setTimeout: (run, ms) => {
      due.push({ at: now + ms, run });
    },
  };
  /** Moves the clock on, running every timer that comes due (in order), each after the work before it settled. */
  const advance = async (ms: number): Promise<void> => {
    const until = now + ms;
    await settle();
    for (;;) {
      due.sort((a, b) => a.at - b.at);
      const next = due[0];
      if (next === undefined || next.at > until) break;
      due.shift();
      now = next.at;
      next.run();
      await settle();
    }
    now = until;
  };
  return { timers, advance };
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let tick = 0; tick < 20; tick += 1) await Promise.resolve();
}
