/**
 * A component that scheduled-job handlers need but that is created after the handlers are defined (the
 * scheduler needs the job definitions, the component needs the scheduler, the definitions need the
 * component). The composition root set()s it once it exists; a job that comes due before that waits for it.
 */
export interface LateBinding<T> {
  /** Resolves once set(); rejects after `waitMs` so a job never hangs (Agenda then records the failure). */
  get(): Promise<T>;
  set(value: T): void;
}

/** `notReadyMessage` is the rejection's message when `waitMs` passes before set(). */
export function createLateBinding<T>(notReadyMessage: string, waitMs = 60_000): LateBinding<T> {
  let current: T | undefined;
  let resolveReady: ((value: T) => void) | undefined;
  const ready = new Promise<T>((resolve) => {
    resolveReady = resolve;
  });
  return {
    get: () => {
      if (current !== undefined) return Promise.resolve(current);
      return Promise.race([
        ready,
        new Promise<never>((_, reject) => {
          setTimeout(() => {
            reject(new Error(notReadyMessage));
          }, waitMs).unref();
        }),
      ]);
    },
    set: (value) => {
      current = value;
      resolveReady?.(value);
    },
  };
}
