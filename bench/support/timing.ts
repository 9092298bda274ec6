import type { Repositories } from '../../storage/repositories/index.js';

/** Calls and summed duration (real ms) per method, e.g. 'bindings.transition'. */
export type CallTimes = Map<string, { calls: number; totalMs: number }>;

/** Summed milliseconds and calls over every method. */
export function totalOf(times: CallTimes): { calls: number; totalMs: number } {
  let calls = 0;
  let totalMs = 0;
  for (const entry of times.values()) {
    calls += entry.calls;
    totalMs += entry.totalMs;
  }
  return { calls, totalMs };
}

function record(times: CallTimes, key: string, startedAt: number): void {
  const entry = times.get(key) ?? { calls: 0, totalMs: 0 };
  entry.calls += 1;
  entry.totalMs += performance.now() - startedAt;
  times.set(key, entry);
}

/** Wraps every promise-returning method of `target` so its duration is added to `times` under `name.method`. */
export function timed<T extends object>(name: string, target: T, times: CallTimes): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]): unknown => {
        const startedAt = performance.now();
        const result = method.apply(object, args);
        if (result instanceof Promise) {
          return result.finally(() => {
            record(times, `${name}.${property}`, startedAt);
          });
        }
        return result;
      };
    },
  });
}

/** The repositories with every call timed: how much of a run the engine spends waiting for the database. */
export function timedRepositories(repositories: Repositories): {
  repositories: Repositories;
  times: CallTimes;
} {
  const times: CallTimes = new Map();
  return {
    times,
    repositories: {
      users: timed('users', repositories.users, times),
      bindings: timed('bindings', repositories.bindings, times),
      connection: timed('connection', repositories.connection, times),
      audit: timed('audit', repositories.audit, times),
      operations: timed('operations', repositories.operations, times),
      directoryIndex: timed('directoryIndex', repositories.directoryIndex, times),
    },
  };
}
