import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { AfterAckQueue, PendingAcks, type AckPressure } from '../../bot/slack/after-ack.js';

/** Resolves after the current macrotask and the check phase that follows it (where queued work starts). */
const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Work that records its start and ends when the test says. */
function gatedWork(started: string[], name: string) {
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  return {
    work: async () => {
      started.push(name);
      await finished;
      return name;
    },
    finish: () => {
      finish();
    },
  };
}

/** No chat request waits for an answer. */
const NO_PRESSURE: AckPressure = {
  waiting: false,
  onceAnswered: (callback) => {
    callback();
  },
};

/** A stand-in for a ServerResponse: only its finish / close events matter to PendingAcks. */
const response = () => new EventEmitter() as unknown as ServerResponse;

describe('the after-ack queue (work that runs after a chat request was acknowledged)', () => {
  it('never starts work in the macrotask that queued it, only after it', async () => {
    const queue = new AfterAckQueue(4, NO_PRESSURE);
    const started: string[] = [];
    const one = gatedWork(started, 'one');

    const outcome = queue.run(one.work);
    await Promise.resolve();
    expect(started).toEqual([]);

    await nextMacrotask();
    expect(started).toEqual(['one']);
    one.finish();
    expect(await outcome).toBe('one');
  });

  it('runs at most `concurrency` at once, first come first served, and starts the next when one ends', async () => {
    const queue = new AfterAckQueue(2, NO_PRESSURE);
    const started: string[] = [];
    const works = ['a', 'b', 'c', 'd'].map((name) => gatedWork(started, name));
    const outcomes = works.map((entry) => queue.run(entry.work));

    await nextMacrotask();
    expect(started).toEqual(['a', 'b']);
    expect(queue.size).toEqual({ waiting: 2, running: 2 });

    works[1]?.finish();
    await outcomes[1];
    await nextMacrotask();
    expect(started).toEqual(['a', 'b', 'c']);

    for (const entry of works) entry.finish();
    expect(await Promise.all(outcomes)).toEqual(['a', 'b', 'c', 'd']);
    expect(queue.size).toEqual({ waiting: 0, running: 0 });
  });

  it('passes a failure to the caller and keeps going with the rest', async () => {
    const queue = new AfterAckQueue(1, NO_PRESSURE);
    const failed = queue.run(() => Promise.reject(new Error('chat core down')));
    const next = queue.run(() => Promise.resolve('next'));

    await expect(failed).rejects.toThrow('chat core down');
    expect(await next).toBe('next');
  });

  it('is idle only when nothing waits or runs, work queued while waiting included', async () => {
    const queue = new AfterAckQueue(1, NO_PRESSURE);
    const started: string[] = [];
    const first = gatedWork(started, 'first');
    const later = gatedWork(started, 'later');
    void queue.run(async () => {
      await first.work();
      void queue.run(later.work);
    });
    let idle = false;
    const becameIdle = queue.idle().then(() => (idle = true));

    first.finish();
    while (!started.includes('later')) await nextMacrotask();
    expect(idle).toBe(false);

    later.finish();
    await becameIdle;
    expect(queue.size).toEqual({ waiting: 0, running: 0 });
  });

  it('runs one at a time while chat requests wait for their answer, and fills its slots once they are answered', async () => {
    const pending = new PendingAcks();
    const queue = new AfterAckQueue(3, pending);
    const started: string[] = [];
    const works = ['a', 'b', 'c'].map((name) => gatedWork(started, name));
    const request = response();
    pending.track(request);

    const outcomes = works.map((entry) => queue.run(entry.work));
    await nextMacrotask();
    expect(started).toEqual(['a']);

    request.emit('finish');
    await nextMacrotask();
    expect(started).toEqual(['a', 'b', 'c']);
    for (const entry of works) entry.finish();
    await Promise.all(outcomes);
  });

  it('refuses a concurrency below 1', () => {
    expect(() => new AfterAckQueue(0)).toThrow(RangeError);
  });
});

describe('pending chat answers', () => {
  it('counts a request until its response finishes or its connection closes, once', () => {
    const pending = new PendingAcks();
    const first = response();
    const second = response();
    pending.track(first);
    pending.track(second);
    const answered: string[] = [];
    pending.onceAnswered(() => answered.push('all answered'));

    first.emit('finish');
    first.emit('close');
    expect(pending.waiting).toBe(true);
    expect(answered).toEqual([]);

    second.emit('close');
    expect(pending.waiting).toBe(false);
    expect(answered).toEqual(['all answered']);
    pending.onceAnswered(() => answered.push('at once'));
    expect(answered).toEqual(['all answered', 'at once']);
  });
});
