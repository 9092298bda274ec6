/** A start-up failure the bot explains in one sentence (bot/main.ts prints it after "cannot start:"). */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}
