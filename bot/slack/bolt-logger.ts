import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';

/**
 * Bolt and WebClient log through the bot's pino logger (same format, same redaction). Their debug level is
 * never passed on: WebClient's debug lines print whole request bodies, and an ephemeral card's body can hold
 * a generated password.
 */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'slack-bolt' });
  let level: LogLevel = LogLevel.INFO;
  const line = (parts: unknown[]) =>
    parts
      .map((part) => (typeof part === 'string' ? part : part instanceof Error ? part.message : String(part)))
      .join(' ');
  return {
    debug: () => undefined,
    info: (...parts: unknown[]) => {
      if (level === LogLevel.INFO) child.info(line(parts));
    },
    warn: (...parts: unknown[]) => {
      if (level !== LogLevel.ERROR) child.warn(line(parts));
    },
    error: (...parts: unknown[]) => {
      child.error(line(parts));
    },
    setLevel: (next: LogLevel) => {
      level = next === LogLevel.DEBUG ? LogLevel.INFO : next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
