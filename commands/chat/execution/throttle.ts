import type { CardModel } from '../../../cards/model.js';
import type { MessageRef } from '../types.js';

/**
 * Card updates of each message, in the order of their cards and at most one per message per interval (Slack
 * chat.update is Tier 3; Teams allows 7 sends per second per conversation).
 *
 * Every card carries a version, its place among the cards of its request (CardPublisher hands them out). A
 * message takes only versions newer than any it already took: an older card that comes late — a click's reply
 * the adapter delivers after its acknowledgement, a progress card after Done, a duplicate of the card a bind
 * already applied — is dropped instead of painting over a newer one. The newest card waiting replaces an older
 * one waiting, so a fast run sends its first progress card, then the latest one an interval later, and always
 * its final card. Updates of one message never overlap (the platform's own retries could reorder them), so
 * they arrive in order. A replacement (the adapter's answer to a click) goes at once, not after an interval.
 */

export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    setTimeout(callback, ms).unref();
  },
};

/** How sending a card ended: done (sent, or failed for good) or worth another try after a wait. */
export type UpdateOutcome = 'done' | { retryAfterMs: number };

export type SendUpdate = (message: MessageRef, card: CardModel) => Promise<UpdateOutcome>;

/** A card this module sends with SendUpdate. */
interface CardUpdate {
  kind: 'card';
  version: number;
  card: CardModel;
  attempt: number;
}

/** The adapter's own replacement of the message; settles the adapter's promise. */
interface Replacement {
  kind: 'replacement';
  version: number;
  replace: () => Promise<void>;
  settle: (replaced: boolean) => void;
  fail: (error: unknown) => void;
}

type Pending = CardUpdate | Replacement;

interface MessageState {
  message: MessageRef;
  lastSentAt: number;
  /** When the platform, refusing an update for now, said it takes the next one (its Retry-After). */
  notBefore: number;
  pending: Pending | undefined;
  /** The token of the armed timer, if one is armed (a newer arming or a send makes it stale). */
  timer: number | undefined;
  sending: boolean;
}

/** Attempts of one card whose sends fail with a passing problem (rate limit, platform unavailable). */
export const MAX_ATTEMPTS = 4;
/** Messages whose newest version is remembered (oldest forgotten first); far more than are ever updated at once. */
const REMEMBERED_VERSIONS = 10_000;

export function messageKey(message: MessageRef): string {
  return `${message.conversation.platform}|${message.conversation.id}|${message.messageId}`;
}

export class UpdateThrottle {
  private readonly states = new Map<string, MessageState>();
  /** The newest version each message took; outlives its state, so a card arriving much later is still judged. */
  private readonly newest = new Map<string, number>();
  private timerTokens = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly send: SendUpdate,
    private readonly intervalMs: number,
    private readonly timers: Timers = realTimers,
  ) {}

  /** Sends `card` when the message's interval allows, unless a card of this or a newer version came first. */
  update(message: MessageRef, card: CardModel, version: number): void {
    if (!this.takes(message, version)) return;
    const state = this.stateOf(message);
    this.supersede(state);
    state.pending = { kind: 'card', version, card, attempt: 1 };
    this.schedule(state);
  }

  /**
   * Runs `replace` (the adapter replacing the message itself) once the message's update in flight, if any,
   * has ended. Resolves false without running it when a card of this or a newer version was taken before, or
   * comes while it waits; rejects as `replace` does.
   */
  replace(message: MessageRef, version: number, replace: () => Promise<void>): Promise<boolean> {
    if (!this.takes(message, version)) return Promise.resolve(false);
    const state = this.stateOf(message);
    this.supersede(state);
    return new Promise<boolean>((settle, fail) => {
      state.pending = { kind: 'replacement', version, replace, settle, fail };
      this.schedule(state);
    });
  }

  /** The platform just showed a card on this message (an action's reply): the next update waits its turn. */
  markShown(message: MessageRef): void {
    const state = this.stateOf(message);
    state.lastSentAt = this.timers.now();
    this.forgetWhenQuiet(state);
  }

  /** Resolves once no update is waiting or being sent. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Records `version` as the message's newest, unless it already took this version or a newer one. */
  private takes(message: MessageRef, version: number): boolean {
    const key = messageKey(message);
    const newest = this.newest.get(key);
    if (newest !== undefined && version <= newest) return false;
    this.newest.delete(key);
    this.newest.set(key, version);
    if (this.newest.size > REMEMBERED_VERSIONS) {
      const oldest = this.newest.keys().next();
      if (oldest.done !== true) this.newest.delete(oldest.value);
    }
    return true;
  }

  /** The card waiting is older than the one taking its place: it is never sent. */
  private supersede(state: MessageState): void {
    if (state.pending?.kind === 'replacement') state.pending.settle(false);
    state.pending = undefined;
  }

  private stateOf(message: MessageRef): MessageState {
    const key = messageKey(message);
    let state = this.states.get(key);
    if (state === undefined) {
      state = {
        message,
        lastSentAt: Number.NEGATIVE_INFINITY,
        notBefore: Number.NEGATIVE_INFINITY,
        pending: undefined,
        timer: undefined,
        sending: false,
      };
      this.states.set(key, state);
    }
    return state;
  }

  private dueAt(state: MessageState, pending: Pending): number {
    // A click's answer is shown at once; the interval spaces out the updates that follow it.
    if (pending.kind === 'replacement') return Number.NEGATIVE_INFINITY;
    return Math.max(state.lastSentAt + this.intervalMs, state.notBefore);
  }

  private schedule(state: MessageState): void {
    const pending = state.pending;
    if (state.sending || pending === undefined) return;
    const wait = this.dueAt(state, pending) - this.timers.now();
    if (wait <= 0) {
      state.timer = undefined;
      void this.fire(state, pending);
      return;
    }
    // An armed timer looks again when it fires, so it serves whichever card waits by then (a card's due time
    // only moves later, except a replacement's, which goes at once).
    if (state.timer !== undefined) return;
    this.timerTokens += 1;
    const token = this.timerTokens;
    state.timer = token;
    this.timers.setTimeout(() => {
      if (state.timer !== token) return;
      state.timer = undefined;
      this.schedule(state);
    }, wait);
  }

  private async fire(state: MessageState, pending: Pending): Promise<void> {
    state.pending = undefined;
    state.sending = true;
    state.lastSentAt = this.timers.now();
    try {
      if (pending.kind === 'replacement') await this.runReplacement(pending);
      else await this.sendCard(state, pending);
    } finally {
      state.sending = false;
      this.next(state);
    }
  }

  /** After a send: the card that came meanwhile (or the same card's next try) waits for its turn. */
  private next(state: MessageState): void {
    if (state.pending === undefined) this.settle(state);
    else this.schedule(state);
  }

  private async runReplacement(replacement: Replacement): Promise<void> {
    try {
      await replacement.replace();
      replacement.settle(true);
    } catch (error) {
      replacement.fail(error);
    }
  }

  private async sendCard(state: MessageState, update: CardUpdate): Promise<void> {
    // The sender reports its own failures; a failed update must not stop the ones after it.
    const outcome = await this.send(state.message, update.card).catch(() => 'done' as const);
    if (outcome === 'done') return;
    state.notBefore = this.timers.now() + outcome.retryAfterMs;
    if (state.pending !== undefined || update.attempt >= MAX_ATTEMPTS) return;
    // Nothing newer waits, so the message still lacks its newest card: the same card again, once allowed.
    state.pending = { ...update, attempt: update.attempt + 1 };
  }

  /** Forgets a message still quiet after its interval, so the map does not grow with every card ever shown. */
  private forgetWhenQuiet(state: MessageState): void {
    this.timers.setTimeout(() => {
      const current = this.states.get(messageKey(state.message));
      if (current === state && state.timer === undefined && !state.sending && state.pending === undefined) {
        this.states.delete(messageKey(state.message));
      }
    }, this.intervalMs);
  }

  private settle(state: MessageState): void {
    this.forgetWhenQuiet(state);
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private isIdle(): boolean {
    for (const state of this.states.values()) {
      if (state.timer !== undefined || state.sending || state.pending !== undefined) return false;
    }
    return true;
  }
}
