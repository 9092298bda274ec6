import type { CardModel } from '../../../cards/model.js';
import { isDomainError } from '../../errors.js';
import type { ChatLogger, TrackedMessages } from '../ports.js';
import type { MessageRef, Platform, ReplaceInOrder } from '../types.js';
import { errorName } from './background.js';
import type { SurfaceRegistry } from './surfaces.js';
import { UpdateThrottle, type Timers, type UpdateOutcome } from './throttle.js';

/**
 * Keeps every message that shows a request up to date. A reply is posted by the adapter, which tells the
 * core its id later (bindMessage); the plan may be ready before that, so the newest card of each key is kept
 * here and applied when the message is bound. A show records the card before it reads the bound messages,
 * and bind() records the message before it reads the card, so whichever runs second sees the other.
 *
 * Steps for one key (shows, and recording a clicked message) run one after another in the order they were
 * asked for, whatever their database round trips take. Every card gets a version when it is asked for — shows
 * and the replacement cards of click replies alike — and a message never takes a card older than one it took
 * (throttle.ts): a card asked for before another never lands after it, whichever path delivers it.
 */

export type CardForPlatform = (platform: Platform) => CardModel;

interface VersionedCard {
  card: CardForPlatform;
  version: number;
}

const REMEMBERED_CARDS = 2000;

/** A failed update is tried again when the platform only could not take it right now (policy 'retry'). */
function retryOf(error: unknown): UpdateOutcome {
  if (!isDomainError(error) || error.policy !== 'retry') return 'done';
  const after = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return { retryAfterMs: typeof after === 'number' ? after : 0 };
}

export class CardPublisher {
  private readonly latest = new Map<string, VersionedCard>();
  /** Versions increase through the process, so they order the cards of each request (and of each message). */
  private versions = 0;
  private readonly tails = new Map<string, Promise<void>>();
  readonly throttle: UpdateThrottle;

  constructor(
    private readonly tracked: TrackedMessages,
    private readonly surfaces: SurfaceRegistry,
    private readonly logger: ChatLogger,
    intervalMs: number,
    timers?: Timers,
  ) {
    this.throttle = new UpdateThrottle((message, card) => this.send(message, card), intervalMs, timers);
  }

  /** Runs `step` after every earlier step of `key`; its place in line is taken now. Never rejects (logs). */
  private enqueue(key: string, what: string, step: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(step);
    const tail = next.catch((error: unknown) => {
      this.logger.warn({ key, err: errorName(error) }, `could not ${what}`);
    });
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return tail;
  }

  /**
   * Shows a card on every message bound to `key` now, and on any bound later. The card may still be on its
   * way (a promise): its place among the key's updates is the moment show() was called.
   */
  show(key: string, card: CardForPlatform | Promise<CardForPlatform>): Promise<void> {
    const version = this.nextVersion();
    return this.enqueue(key, 'update the messages of a card', async () => {
      const ready = await card;
      this.remember(key, { card: ready, version });
      for (const message of await this.tracked.list(key)) {
        this.throttle.update(message, ready(message.conversation.platform), version);
      }
    });
  }

  /**
   * The place of a click's replacement card among its request's cards, taken now: after every card shown so
   * far, before any shown later. The adapter replaces the clicked message through it (Reply.inOrder).
   */
  replacementOrder(): ReplaceInOrder {
    const version = this.nextVersion();
    return (message, replace) => this.throttle.replace(message, version, replace);
  }

  async bind(key: string, message: MessageRef): Promise<void> {
    await this.tracked.add(key, message);
    const latest = this.latest.get(key);
    // The same version as the show's own update: whichever of the two comes second is dropped.
    if (latest !== undefined)
      this.throttle.update(message, latest.card(message.conversation.platform), latest.version);
  }

  /** A mark to pass to adopt(): a card read after it is at least as new as every card shown before it. */
  mark(): number {
    return this.versions;
  }

  /**
   * A message the core posted itself, showing a card of `key` read after `mark()` returned `shownAsOf`:
   * remembered for later updates, and given at once a card shown meanwhile (which could not reach a message
   * nobody knew of yet).
   */
  adopt(key: string, message: MessageRef, shownAsOf: number): Promise<void> {
    this.throttle.markShown(message);
    return this.enqueue(key, 'record a posted message', async () => {
      await this.tracked.add(key, message);
      const latest = this.latest.get(key);
      if (latest !== undefined && latest.version > shownAsOf)
        this.throttle.update(message, latest.card(message.conversation.platform), latest.version);
    });
  }

  /**
   * A clicked message that shows this key's card, remembered for later updates. The click's reply shows a
   * card on it now, so its next update waits a full interval (the platform's rate limit counts the reply).
   */
  track(key: string, message: MessageRef): Promise<void> {
    this.throttle.markShown(message);
    return this.enqueue(key, 'record a clicked message', () => this.tracked.add(key, message));
  }

  private nextVersion(): number {
    this.versions += 1;
    return this.versions;
  }

  private remember(key: string, card: VersionedCard): void {
    this.latest.delete(key);
    this.latest.set(key, card);
    if (this.latest.size <= REMEMBERED_CARDS) return;
    const oldest = this.latest.keys().next();
    if (oldest.done !== true) this.latest.delete(oldest.value);
  }

  private async send(message: MessageRef, card: CardModel): Promise<UpdateOutcome> {
    try {
      await this.surfaces.get(message.conversation.platform).update(message, card);
      return 'done';
    } catch (error) {
      const outcome = retryOf(error);
      this.logger.warn(
        {
          platform: message.conversation.platform,
          messageId: message.messageId,
          err: errorName(error),
          again: outcome !== 'done',
        },
        'a card update failed',
      );
      return outcome;
    }
  }
}
