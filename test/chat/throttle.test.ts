import { describe, expect, it } from '@jest/globals';
import { parseCardModel, type CardModel } from '../../cards/model.js';
import { UpdateThrottle } from '../../commands/chat/execution/throttle.js';
import type { MessageRef } from '../../commands/chat/types.js';
import { manualTimers, settle } from './manual-timers.js';

/** The card-update throttle on a hand-driven clock: at most one update per message per interval. */

const card = (title: string): CardModel => parseCardModel({ title });
const message = (id: string): MessageRef => ({
  conversation: { platform: 'slack', id: 'C1', kind: 'channel' },
  messageId: id,
});

describe('card update throttle', () => {
  it('sends the first update at once and then only the newest, one per second', async () => {
    const { timers, advance } = manualTimers();
    const sent: [string, string, number][] = [];
    const throttle = new UpdateThrottle(
      (ref, update) => {
        sent.push([ref.messageId, update.title, timers.now()]);
        return Promise.resolve('done' as const);
      },
      1000,
      timers,
    );
    for (let index = 1; index <= 100; index += 1) {
      throttle.update(message('m1'), card(`progress ${index}`), index);
      await advance(10);
    }
    await advance(1000);
    expect(sent).toEqual([
      ['m1', 'progress 1', 0],
      ['m1', 'progress 100', 1000],
    ]);
    throttle.update(message('m1'), card('final'), 101);
    await advance(2000);
    await throttle.idle();
    expect(sent.at(-1)).toEqual(['m1', 'final', 2000]);
  });

  it('keeps messages apart: each has its own interval', async () => {
    const { timers, advance } = manualTimers();
    const sent: string[] = [];
    const throttle = new UpdateThrottle(
      (ref, update) => {
        sent.push(`${ref.messageId}:${update.title}`);
        return Promise.resolve('done' as const);
      },
      1000,
      timers,
    );
    throttle.update(message('a'), card('a1'), 1);
    throttle.update(message('b'), card('b1'), 2);
    throttle.update(message('a'), card('a2'), 3);
    await advance(999);
    expect(sent).toEqual(['a:a1', 'b:b1']);
    await advance(1);
    expect(sent).toEqual(['a:a1', 'b:b1', 'a:a2']);
  });

  it('waits a full interval after a card the platform just showed (an action reply)', async () => {
    const { timers, advance } = manualTimers();
    const sent: string[] = [];
    const throttle = new UpdateThrottle(
      (_ref, update) => {
        sent.push(update.title);
        return Promise.resolve('done' as const);
      },
      1000,
      timers,
    );
    await advance(5000);
    throttle.markShown(message('m'));
    throttle.update(message('m'), card('after reply'), 1);
    await advance(999);
    expect(sent).toEqual([]);
    await advance(1);
    expect(sent).toEqual(['after reply']);
  });

  it('never sends two updates of one message at once, and goes on after a failed one', async () => {
    const { timers, advance } = manualTimers();
    let inFlight = 0;
    let most = 0;
    const sent: string[] = [];
    let release: () => void = () => undefined;
    const throttle = new UpdateThrottle(
      async (_ref, update) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        inFlight -= 1;
        sent.push(update.title);
        if (update.title === 'one') throw new Error('rate limited');
        return 'done';
      },
      100,
      timers,
    );
    throttle.update(message('m'), card('one'), 1);
    await advance(500);
    throttle.update(message('m'), card('two'), 2);
    await advance(500);
    expect(most).toBe(1);
    release();
    await settle();
    await advance(500);
    await settle();
    expect(inFlight).toBe(1);
    release();
    await throttle.idle();
    expect(sent).toEqual(['one', 'two']);
    expect(most).toBe(1);
  });
});
