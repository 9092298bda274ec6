import { pino, type Logger, type DestinationStream } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/**
 * Field names whose values are never logged, wherever they appear. Secrets are also wrapped in `Secret`
 * (which prints "[redacted]"); this catches the ones that arrive as plain strings, e.g. inside a request.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  '*.client_secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'access_token',
  '*.access_token',
  'token',
  '*.token',
  'passwordProfile',
  '*.passwordProfile',
  'x-slack-signature',
  '*["x-slack-signature"]',
];

export interface LoggerOptions {
  level: Config['LOG_LEVEL'];
  format: Config['LOG_FORMAT'];
  /** Where lines go; default stdout. Tests pass a capture stream. */
  destination?: DestinationStream;
}

/** pino: pretty in a terminal, JSON otherwise (or as LOG_FORMAT says). */
export function createLogger(options: LoggerOptions): Logger {
  const base = { level: options.level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (options.destination) return pino(base, options.destination);
  const pretty = options.format === 'pretty' || (options.format === 'auto' && process.stdout.isTTY);
  if (pretty) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } },
    });
  }
  return pino(base);
}
