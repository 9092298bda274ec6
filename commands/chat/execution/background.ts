import type { ChatLogger } from '../ports.js';

/**
 * Work that continues after a chat request was answered (plans, runs, card updates). Failures are logged with
 * the task's name, never thrown at nobody; idle() lets tests and a graceful shutdown wait for all of it.
 */
export class BackgroundTasks {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: ChatLogger) {}

  run(name: string, task: () => Promise<void>, fields: Record<string, unknown> = {}): void {
    const promise = Promise.resolve()
      .then(task)
      .catch((error: unknown) => {
        this.logger.error({ ...fields, task: name, err: errorName(error) }, 'background chat task failed');
      })
      .finally(() => this.running.delete(promise));
    this.running.add(promise);
  }

  /** Waits until no task is running, including tasks started meanwhile. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

/**
 * What may be logged of an error: its class and code, never its message. Errors from chat SDKs can carry the
 * request they failed on, and a private card may hold a password.
 */
export function errorName(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number'
    ? `${error.name} (${String(code)})`
    : error.name;
}
