import { describe, expect, it } from '@jest/globals';
import { parseCardModel, type CardModel } from '../../cards/model.js';
import { ChatPlatformUnavailableError } from '../../commands/errors.js';
import { CardPublisher } from '../../commands/chat/execution/publisher.js';
import { SurfaceRegistry } from '../../commands/chat/execution/surfaces.js';
import { MAX_ATTEMPTS, UpdateThrottle, type UpdateOutcome } from '../../commands/chat/execution/throttle.js';
import type { TrackedMessages } from '../../commands/chat/ports.js';
import type { ChatSurface, MessageRef } from '../../commands/chat/types.js';
import { manualTimers, settle } from './manual-timers.js';

/**
 * Cards of one message land in the order of their versions, whichever path delivers them: the core's updates
 * (progress, Done) or the adapter's replacement of a clicked message, which comes after the platform's
 * acknowledgement. A card older than one the message already took is dropped.
 */

const card = (title: string): CardModel => parseCardModel({ title });
const message = (id = 'm'): MessageRef => ({
  conversation: { platform: 'slack', id: 'C1', kind: 'channel' },
  messageId: id,
});

/** A throttle (1 s interval) whose sends are recorded as "title@time". */
function recordingThrottle(answer: (title: string) => UpdateOutcome = () => 'done') {
  const { timers, advance } = manualTimers();
  const sent: string[] = [];
  const throttle = new UpdateThrottle(
    (_ref, update) => {
      sent.push(`${update.title}@${String(timers.now())}`);
      return Promise.resolve(answer(update.title));
    },
    1000,
    timers,
  );
  /** A replacement that records itself like a send. */
  const replacement = (title: string) => () => {
    sent.push(`${title}@${String(timers.now())}`);
    return Promise.resolve();
  };
  return { throttle, sent, advance, replacement };
}

describe('versioned card updates of one message', () => {
  it('drops a card older than one the message already took, even long after it went quiet', async () => {
    const { throttle, sent, advance } = recordingThrottle();
    throttle.update(message(), card('Done'), 5);
    await advance(0);
    throttle.update(message(), card('Running'), 4);
    await advance(60_000);
    throttle.update(message(), card('Approved'), 3);
    await advance(60_000);
    expect(sent).toEqual(['Done@0']);
  });

  it('sends a card once when the same version is asked for twice (a bind racing the show of its card)', async () => {
    const { throttle, sent, advance } = recordingThrottle();
    throttle.update(message(), card('Plan'), 1);
    throttle.update(message(), card('Plan'), 1);
    await advance(5000);
    expect(sent).toEqual(['Plan@0']);
  });

  it("never runs a click's replacement older than a card already sent (a short run's Done)", async () => {
    const { throttle, sent, advance, replacement } = recordingThrottle();
    throttle.update(message(), card('Done'), 3);
    await advance(0);
    await expect(throttle.replace(message(), 2, replacement('Approved, starting'))).resolves.toBe(false);
    await advance(5000);
    expect(sent).toEqual(['Done@0']);
  });

  it("never runs a click's replacement older than a card waiting for its interval", async () => {
    const { throttle, sent, advance, replacement } = recordingThrottle();
    throttle.markShown(message());
    throttle.update(message(), card('Done'), 3);
    await expect(throttle.replace(message(), 2, replacement('Approved, starting'))).resolves.toBe(false);
    await advance(1000);
    expect(sent).toEqual(['Done@1000']);
  });

  it("runs a click's replacement at once, in place of an older card still waiting", async () => {
    const { throttle, sent, advance, replacement } = recordingThrottle();
    throttle.markShown(message());
    throttle.update(message(), card('Approved (show)'), 1);
    await expect(throttle.replace(message(), 2, replacement('Approved (reply)'))).resolves.toBe(true);
    throttle.update(message(), card('Done'), 3);
    await advance(5000);
    expect(sent).toEqual(['Approved (reply)@0', 'Done@1000']);
  });

  it('lets a newer card waiting take the place of a replacement that waits for the update in flight', async () => {
    const { timers, advance } = manualTimers();
    const sent: string[] = [];
    let release: () => void = () => undefined;
    const throttle = new UpdateThrottle(
      async (_ref, update) => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        sent.push(update.title);
        return 'done';
      },
      1000,
      timers,
    );
    throttle.update(message(), card('Plan'), 1);
    await settle();
    let ran = false;
    const replaced = throttle.replace(message(), 2, () => {
      ran = true;
      return Promise.resolve();
    });
    throttle.update(message(), card('Done'), 3);
    await expect(replaced).resolves.toBe(false);
    release();
    await settle();
    await advance(1000);
    release();
    await throttle.idle();
    expect(ran).toBe(false);
    expect(sent).toEqual(['Plan', 'Done']);
  });

  it('starts a replacement only after the update in flight, and the next card only after the replacement', async () => {
    const { timers, advance } = manualTimers();
    const events: string[] = [];
    const gates: (() => void)[] = [];
    const held = (label: string) => async () => {
      events.push(`${label} starts`);
      await new Promise<void>((resolve) => gates.push(resolve));
      events.push(`${label} ends`);
    };
    const throttle = new UpdateThrottle(
      async (_ref, update) => {
        await held(update.title)();
        return 'done';
      },
      1000,
      timers,
    );
    throttle.update(message(), card('Plan'), 1);
    await settle();
    const replaced = throttle.replace(message(), 2, held('Reply'));
    await settle();
    expect(events).toEqual(['Plan starts']);
    gates.shift()?.();
    await settle();
    expect(events).toEqual(['Plan starts', 'Plan ends', 'Reply starts']);
    throttle.update(message(), card('Done'), 3);
    await advance(5000);
    expect(events.at(-1)).toBe('Reply starts');
    gates.shift()?.();
    await expect(replaced).resolves.toBe(true);
    await advance(1000);
    gates.shift()?.();
    await throttle.idle();
    expect(events).toEqual([
      'Plan starts',
      'Plan ends',
      'Reply starts',
      'Reply ends',
      'Done starts',
      'Done ends',
    ]);
  });

  it('rejects as a failed replacement does, and still sends the cards after it', async () => {
    const { throttle, sent, advance } = recordingThrottle();
    const failing = throttle.replace(message(), 1, () => Promise.reject(new Error('message_not_found')));
    await expect(failing).rejects.toThrow('message_not_found');
    throttle.update(message(), card('Done'), 2);
    await advance(1000);
    expect(sent).toEqual(['Done@1000']);
  });

  it('tries the newest card again once the platform takes updates again, and gives up after a few tries', async () => {
    const { throttle, sent, advance } = recordingThrottle(() => ({ retryAfterMs: 3000 }));
    throttle.update(message('a'), card('Done'), 1);
    await advance(60_000);
    expect(sent).toEqual(
      Array.from({ length: MAX_ATTEMPTS }, (_, attempt) => `Done@${String(attempt * 3000)}`),
    );
    sent.length = 0;
    throttle.update(message('b'), card('Running'), 2);
    await settle();
    throttle.update(message('b'), card('Done'), 3);
    await advance(60_000);
    // Done took the place of Running's second try, after the wait the platform asked for.
    expect(sent).toEqual(['Running@60000', 'Done@63000', 'Done@66000', 'Done@69000', 'Done@72000']);
  });
});

describe('card publisher', () => {
  /** Tracked messages in memory; list() waits for `listing` when a test holds it. */
  function memoryTracked() {
    const byKey = new Map<string, MessageRef[]>();
    let listing: Promise<void> = Promise.resolve();
    const tracked: TrackedMessages = {
      add: (key, ref) => {
        const refs = byKey.get(key) ?? [];
        if (!refs.some((known) => known.messageId === ref.messageId)) refs.push(ref);
        byKey.set(key, refs);
        return Promise.resolve();
      },
      list: async (key) => {
        await listing;
        return [...(byKey.get(key) ?? [])];
      },
    };
    return {
      tracked,
      hold(gate: Promise<void>) {
        listing = gate;
      },
    };
  }

  function publisherWith(tracked: TrackedMessages, update: ChatSurface['update']) {
    const surfaces = new SurfaceRegistry();
    const unused = () => Promise.reject(new Error('not used'));
    surfaces.register({ platform: 'slack', post: unused, update, postPrivate: unused, uploadFile: unused });
    const { timers, advance } = manualTimers();
    const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
    return { publisher: new CardPublisher(tracked, surfaces, logger, 1000, timers), advance };
  }

  it('updates a message bound while its card is being shown once, not twice', async () => {
    const memory = memoryTracked();
    const updates: string[] = [];
    const { publisher, advance } = publisherWith(memory.tracked, (_ref, update) => {
      updates.push(update.title);
      return Promise.resolve();
    });
    let listed: () => void = () => undefined;
    memory.hold(new Promise<void>((resolve) => (listed = resolve)));
    const shown = publisher.show('request', () => card('Waiting for approval'));
    await settle();
    // The posted message is bound while the show still reads the bound messages: both see each other.
    await publisher.bind('request', message());
    listed();
    await shown;
    await advance(5000);
    await publisher.throttle.idle();
    expect(updates).toEqual(['Waiting for approval']);
  });

  it('sends the newest card of a request again when the platform could not take it right now', async () => {
    const memory = memoryTracked();
    const updates: string[] = [];
    const { publisher, advance } = publisherWith(memory.tracked, (_ref, update) => {
      updates.push(update.title);
      if (updates.length === 1)
        return Promise.reject(new ChatPlatformUnavailableError('Slack', 'update', 'ratelimited', 2000));
      return Promise.resolve();
    });
    await publisher.bind('request', message());
    await publisher.show('request', () => card('Done'));
    await advance(1999);
    expect(updates).toEqual(['Done']);
    await advance(1);
    await publisher.throttle.idle();
    expect(updates).toEqual(['Done', 'Done']);
  });

  it("orders a click's replacement after the cards shown before it and before those shown after it", async () => {
    const memory = memoryTracked();
    const updates: string[] = [];
    const { publisher, advance } = publisherWith(memory.tracked, (_ref, update) => {
      updates.push(update.title);
      return Promise.resolve();
    });
    await publisher.track('request', message());
    await publisher.show('request', () => card('Approved (show)'));
    const inOrder = publisher.replacementOrder();
    await publisher.show('request', () => card('Done'));
    const replaced = await inOrder(message(), () => {
      updates.push('Approved (reply)');
      return Promise.resolve();
    });
    await advance(5000);
    expect(replaced).toBe(false);
    expect(updates).toEqual(['Done']);
  });
});
