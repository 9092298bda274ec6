import { startApp, type RunningApp } from '../../bot/app.js';
import { loadConfig, type Config } from '../../bot/config.js';
import { createLogger, type Logger } from '../../bot/logger.js';
import type { JobDefinition, SchedulerOptions } from '../../storage/scheduler.js';
import { testDatabaseName, testMongoUri } from './database.js';

/** A logger built exactly as the bot builds it (same redaction), writing JSON lines into memory. */
export interface CapturedLog {
  logger: Logger;
  /** Every line written so far, as written (JSON text). */
  lines: string[];
  /** The same lines, parsed. */
  records(): Record<string, unknown>[];
}

export function captureLog(level: Config['LOG_LEVEL'] = 'trace'): CapturedLog {
  const lines: string[] = [];
  const destination = {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line.trim()) lines.push(line);
    },
  };
  const logger = createLogger({ level, format: 'json', destination });
  return {
    logger,
    lines,
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/**
 * A Config as the entry point would parse it: the test database of this file, a free port, no log noise,
 * a short shutdown timeout. `env` adds or overrides variables (strings, as in the environment).
 */
export function testConfig(testFile: string, env: Record<string, string> = {}, purpose = ''): Config {
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    MONGODB_URI: testMongoUri(),
    MONGODB_DB: testDatabaseName(testFile, purpose),
    LOG_LEVEL: 'silent',
    SHUTDOWN_TIMEOUT_MS: '2000',
    ...env,
  });
}

export interface TestAppOptions {
  jobs?: readonly JobDefinition[];
  logger?: Logger;
  scheduler?: SchedulerOptions;
}

/**
 * startApp in-process, with the scheduler polling fast. Agenda keeps a lock-renewal timer of half the lock
 * lifetime after a job ends, so a short lifetime keeps jest from waiting on it.
 */
export function startTestApp(config: Config, options: TestAppOptions = {}): Promise<RunningApp> {
  return startApp(config, options.logger ?? createLogger({ level: 'silent', format: 'json' }), {
    jobs: options.jobs ?? [],
    scheduler: { processEveryMs: 100, defaultLockLifetimeMs: 1000, ...options.scheduler },
  });
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function getJson(url: string, init: RequestInit = {}): Promise<JsonResponse> {
  const response = await fetch(url, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as unknown) : null,
  };
}
