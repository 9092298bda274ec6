import { pendingAcks, type AckPressure } from './pending-acks.js';

/**
 * The work a chat request asks for, run after its acknowledgement went out (Slack's ack, the HTTP answer to a
 * Teams message). The platforms time only the acknowledgement (Slack 3 s, chat-platforms.md §1.2), but the
 * acknowledgements and the work share one event loop: when a burst of commands starts all its work at once —
 * chat core, database, card rendering, Web API and Bot Connector calls — the acknowledgements of the requests
 * still arriving wait behind it. So the work
 * - never starts in the macrotask that acknowledged: it starts from setImmediate, after the poll phase in which
 *   the request (and any others read with it) was answered, so the response is on the socket first;
 * - runs at most `concurrency` at a time, first come first served, and only one at a time while chat requests
 *   are still waiting for their answer (PendingAcks); the rest wait in memory (they are acknowledged, so they
 *   cannot be refused any more) and start as running work ends, again each from setImmediate. "Waiting" is
 *   bot/http/pending-acks.ts's: it includes connections accepted but not read yet, and lasts until a burst is
 *   over.
 * Platform-neutral: the Slack and Teams adapters each keep one.
 */

export class AfterAckQueue {
  private readonly waiting: (() => void)[] = [];
  private readonly unsettled = new Set<Promise<unknown>>();
  private running = 0;
  private scheduled = false;
  private throttled = false;

  constructor(
    private readonly concurrency: number,
    private readonly pressure: AckPressure = pendingAcks,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError('the after-ack concurrency is a whole number of at least 1');
  }

  /** Runs `work` when a slot is free, never before the current macrotask ends; settles as `work` does. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const slot = new Promise<void>((resolve) => {
      this.waiting.push(resolve);
    });
    const outcome = slot.then(async () => {
      try {
        return await work();
      } finally {
        this.running -= 1;
        this.schedule();
      }
    });
    const settled = outcome.then(
      () => undefined,
      () => undefined,
    );
    this.unsettled.add(settled);
    void settled.then(() => this.unsettled.delete(settled));
    this.schedule();
    return outcome;
  }

  /** Work waiting for a slot, and work running. */
  get size(): { waiting: number; running: number } {
    return { waiting: this.waiting.length, running: this.running };
  }

  /** Resolves when nothing waits or runs (work queued meanwhile included). */
  async idle(): Promise<void> {
    while (this.unsettled.size > 0) await Promise.all([...this.unsettled]);
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      // While answers are owed, one at a time: the work still moves, the answers go first.
      const pressed = this.pressure.waiting;
      while (this.running < (pressed ? 1 : this.concurrency)) {
        const start = this.waiting.shift();
        if (start === undefined) break;
        this.running += 1;
        start();
      }
      if (pressed && this.waiting.length > 0) this.resumeWhenAnswered();
    });
  }

  /** Fills the free slots once no answer is owed, rather than waiting for running work to end. */
  private resumeWhenAnswered(): void {
    if (this.throttled) return;
    this.throttled = true;
    this.pressure.onceAnswered(() => {
      this.throttled = false;
      this.schedule();
    });
  }
}

/** Settles as `work` does, or resolves after `timeoutMs` at the latest (a shutdown does not wait forever). */
export async function within(timeoutMs: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
