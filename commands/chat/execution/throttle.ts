import type { CardModel } from '../../../cards/model.js';
import type { MessageRef } from '../types.js';

/**
 * Card updates, at most one per message per interval (Slack chat.update is Tier 3; Teams allows 7 sends per
 * second per conversation). The newest card wins: updates that arrive while one is waiting replace it, so a
 * fast run sends its first progress card, then the latest one a second later, and always its final card.
 * Updates of one message never overlap, so they arrive in order.
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

interface MessageState {
  message: MessageRef;
  lastSentAt: number;
  pending: CardModel | undefined;
  waiting: boolean;
  sending: boolean;
}

export type SendUpdate = (message: MessageRef, card: CardModel) => Promise<void>;

export function messageKey(message: MessageRef): string {
  return `${message.conversation.platform}|${message.conversation.id}|${message.messageId}`;
}

export class UpdateThrottle {
  private readonly states = new Map<string, MessageState>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly send: SendUpdate,
    private readonly intervalMs: number,
    private readonly timers: Timers = realTimers,
  ) {}

  update(message: MessageRef, card: CardModel): void {
    const state = this.stateOf(message);
    state.pending = card;
    this.schedule(state);
  }

  /** The platform just showed a card on this message (an action's reply): the next update waits its turn. */
  markShown(message: MessageRef): void {
    this.stateOf(message).lastSentAt = this.timers.now();
  }

  /** Resolves once no update is waiting or being sent. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private stateOf(message: MessageRef): MessageState {
    const key = messageKey(message);
    let state = this.states.get(key);
    if (state === undefined) {
      state = {
        message,
        lastSentAt: Number.NEGATIVE_INFINITY,
        pending: undefined,
        waiting: false,
        sending: false,
      };
      this.states.set(key, state);
    }
    return state;
  }

  private schedule(state: MessageState): void {
    if (state.waiting || state.sending || state.pending === undefined) return;
    const wait = state.lastSentAt + this.intervalMs - this.timers.now();
    if (wait <= 0) {
      void this.fire(state);
      return;
    }
    state.waiting = true;
    this.timers.setTimeout(() => {
      state.waiting = false;
      void this.fire(state);
    }, wait);
  }

  private async fire(state: MessageState): Promise<void> {
    const card = state.pending;
    if (card === undefined) {
      this.settle(state);
      return;
    }
    state.pending = undefined;
    state.sending = true;
    state.lastSentAt = this.timers.now();
    try {
      // The sender reports its own failures; a failed update must not stop the ones after it.
      await this.send(state.message, card).catch(() => undefined);
    } finally {
      state.sending = false;
      this.next(state);
    }
  }

  /** After a send: the newest card that arrived meanwhile, if any, waits for its turn. */
  private next(state: MessageState): void {
    if (state.pending === undefined) this.settle(state);
    else this.schedule(state);
  }

  private settle(state: MessageState): void {
    // Forget quiet messages after their interval, so the map does not grow with every card ever shown.
    this.timers.setTimeout(() => {
      const current = this.states.get(messageKey(state.message));
      if (current === state && !state.waiting && !state.sending && state.pending === undefined) {
        this.states.delete(messageKey(state.message));
      }
    }, this.intervalMs);
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private isIdle(): boolean {
    for (const state of this.states.values()) {
      if (state.waiting || state.sending || state.pending !== undefined) return false;
    }
    return true;
  }
}
