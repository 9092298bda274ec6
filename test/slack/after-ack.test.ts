import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { AfterAckQueue } from '../../bot/http/after-ack.js';
import { PendingAcks, type AckPressure } from '../../bot/http/pending-acks.js';

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
/** A stand-in for an accepted connection: only its close event and its identity matter to PendingAcks. */
const connection = () => new EventEmitter() as unknown as Socket;

/** Short periods, so that the tests wait milliseconds; the production defaults are longer. */
const FAST = { quietMs: 5, connectionHoldMs: 10_000, maxDeferMs: 10_000 };

/** Resolves when `pending` says no request waits any more. */
const answeredAll = (pending: PendingAcks) =>
  new Promise<void>((resolve) => {
    pending.onceAnswered(resolve);
  });

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
    const pending = new PendingAcks(FAST);
    const queue = new AfterAckQueue(3, pending);
    const started: string[] = [];
    const works = ['a', 'b', 'c'].map((name) => gatedWork(started, name));
    const request = response();
    pending.track(request);

    const outcomes = works.map((entry) => queue.run(entry.work));
    await nextMacrotask();
    expect(started).toEqual(['a']);

    request.emit('finish');
    await answeredAll(pending);
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
  it('counts a request until its response finishes or its connection closes, once, then a quiet period', async () => {
    const pending = new PendingAcks(FAST);
    const first = response();
    const second = response();
    pending.track(first);
    pending.track(second);
    const answered: string[] = [];
    pending.onceAnswered(() => answered.push('all answered'));

    first.emit('finish');
    first.emit('close');
    expect(pending.waiting).toBe(true);

    second.emit('close');
    // More requests of the same burst may still sit in the kernel's accept queue: not over yet.
    expect(pending.waiting).toBe(true);
    expect(answered).toEqual([]);

    await answeredAll(pending);
    expect(pending.waiting).toBe(false);
    expect(answered).toEqual(['all answered']);
    pending.onceAnswered(() => answered.push('at once'));
    expect(answered).toEqual(['all answered', 'at once']);
  });

  it('counts a connection from its accept until its request is read, and then the request itself', async () => {
    const pending = new PendingAcks(FAST);
    const socket = connection();
    pending.connectionOpened(socket);
    await nextMacrotask();
    await nextMacrotask();
    expect(pending.waiting).toBe(true);

    const request = response();
    pending.track(request);
    pending.requestRead(socket);
    request.emit('finish');
    // A later request on the same (kept-alive) connection does not count the connection again.
    pending.requestRead(socket);
    await answeredAll(pending);
    expect(pending.waiting).toBe(false);
  });

  it('stops counting a connection that closes without a request, or that sends none in time', async () => {
    const closes = new PendingAcks(FAST);
    const closing = connection();
    closes.connectionOpened(closing);
    closing.emit('close');
    await answeredAll(closes);
    expect(closes.waiting).toBe(false);

    const silent = new PendingAcks({ ...FAST, connectionHoldMs: 20 });
    silent.connectionOpened(connection());
    await answeredAll(silent);
    expect(silent.waiting).toBe(false);
  });

  it('starts the quiet period again when a request arrives during it', async () => {
    const pending = new PendingAcks({ ...FAST, quietMs: 30 });
    const answered: string[] = [];
    const first = response();
    pending.track(first);
    pending.onceAnswered(() => answered.push('answered'));
    first.emit('finish');

    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = response();
    pending.track(second);
    second.emit('finish');
    await new Promise((resolve) => setTimeout(resolve, 25));
    // 35 ms after the first answer, but only 25 after the second: still within the burst.
    expect(answered).toEqual([]);
    expect(pending.waiting).toBe(true);

    await answeredAll(pending);
    expect(answered).toEqual(['answered']);
  });

  it('lets a waiting callback go after maxDeferMs even while requests still wait, so bulk work is never stopped for good', async () => {
    const pending = new PendingAcks({ ...FAST, maxDeferMs: 20 });
    const unanswered = response();
    pending.track(unanswered);

    await answeredAll(pending);
    expect(pending.waiting).toBe(true);

    unanswered.emit('close');
    await answeredAll(pending);
    expect(pending.waiting).toBe(false);
  });
});
