import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Whether chat requests are waiting for their answer, in this process. Background work (the work a request
 * asks for after its acknowledgement, the engine's next user or step) yields while they do, because they all
 * share one event loop.
 *
 * Why "waiting" covers more than the requests the bot has read: connections are accepted about one per
 * event-loop turn (measured on Node 20 with 40 ms turns: 200 queued connections took 8.3 s to accept, 8 ms on an
 * idle loop). When a burst of platform requests arrives, each on its own connection, most of them first wait
 * in the kernel's accept queue, where the bot cannot see them, and every turn the loop spends on other work
 * delays all of them. Counting only the requests
 * read so far, the count touches 0 between two accepts and background work resumes in the middle of the burst
 * (measured: a 200-request burst during a bind took 0.3–1.3 s to accept). So a request is counted from the
 * moment its connection is accepted, and the pressure ends only once the bot has been quiet for `quietMs` and a
 * whole loop turn has passed without a new connection (a connection still queued would have been accepted in
 * it).
 */
export interface AckPressure {
  readonly waiting: boolean;
  /** Calls `callback` once, when no request waits any more (or after `maxDeferMs` at the latest). */
  onceAnswered(callback: () => void): void;
}

export interface PendingAcksOptions {
  /** How long after the last answer no new request must arrive before the pressure ends. */
  quietMs?: number;
  /** A connection that sends no request counts this long at most (a client that connects and waits). */
  connectionHoldMs?: number;
  /** `onceAnswered` waits at most this long, so a steady stream of requests cannot stop background work. */
  maxDeferMs?: number;
}

export const PENDING_ACKS_DEFAULTS = { quietMs: 50, connectionHoldMs: 1_000, maxDeferMs: 2_000 } as const;

export class PendingAcks implements AckPressure {
  private readonly quietMs: number;
  private readonly connectionHoldMs: number;
  private readonly maxDeferMs: number;
  private count = 0;
  /** Requests and connections counted so far: a change tells the quiet check that something arrived. */
  private arrivals = 0;
  private settled = true;
  private settleTimer: NodeJS.Timeout | undefined;
  private deferTimer: NodeJS.Timeout | undefined;
  private readonly whenAnswered = new Set<() => void>();
  private readonly connections = new WeakMap<Socket, () => void>();

  constructor(options: PendingAcksOptions = {}) {
    const settings = { ...PENDING_ACKS_DEFAULTS, ...options };
    this.quietMs = settings.quietMs;
    this.connectionHoldMs = settings.connectionHoldMs;
    this.maxDeferMs = settings.maxDeferMs;
  }

  /** Counts a chat request until its response is done (sent, or the connection closed). */
  track(res: ServerResponse): void {
    const release = this.hold();
    res.once('finish', release);
    res.once('close', release);
  }

  /** Counts a freshly accepted connection until its first request is read (`requestRead`) or it closes. */
  connectionOpened(socket: Socket): void {
    const release = this.hold();
    const timer = setTimeout(release, this.connectionHoldMs);
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      this.connections.delete(socket);
      release();
    };
    this.connections.set(socket, done);
    socket.once('close', done);
  }

  /** The connection's request has been read: from here on the route tracks it if it is a chat request. */
  requestRead(socket: Socket): void {
    this.connections.get(socket)?.();
  }

  get waiting(): boolean {
    return !this.settled;
  }

  onceAnswered(callback: () => void): void {
    if (this.settled) {
      callback();
      return;
    }
    this.whenAnswered.add(callback);
    if (this.deferTimer === undefined) {
      this.deferTimer = setTimeout(() => {
        this.flush();
      }, this.maxDeferMs);
      this.deferTimer.unref();
    }
  }

  /** Counts one arrival until the returned function is called (once; later calls do nothing). */
  private hold(): () => void {
    this.count += 1;
    this.arrivals += 1;
    this.settled = false;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.count -= 1;
      if (this.count === 0) this.settle();
    };
  }

  /** Ends the pressure once `quietMs` passed and one more loop turn saw no arrival. */
  private settle(): void {
    if (this.settleTimer !== undefined) return;
    const arrivalsBefore = this.arrivals;
    this.settleTimer = setTimeout(() => {
      // Timers run before the loop's poll phase, where a queued connection is accepted; setImmediate runs
      // after it, so the look below comes after one more chance to accept.
      setImmediate(() => {
        this.settleTimer = undefined;
        if (this.count > 0) return; // its release settles again
        if (this.arrivals !== arrivalsBefore) this.settle();
        else this.flush();
      });
    }, this.quietMs);
    this.settleTimer.unref();
  }

  /** Calls every waiting callback; settled when nothing is counted any more. */
  private flush(): void {
    clearTimeout(this.deferTimer);
    this.deferTimer = undefined;
    if (this.count === 0 && this.settleTimer === undefined) this.settled = true;
    const callbacks = [...this.whenAnswered];
    this.whenAnswered.clear();
    for (const callback of callbacks) callback();
  }
}

/** The process's one tracker: the HTTP server counts connections, the chat routes their requests. */
export const pendingAcks = new PendingAcks();
