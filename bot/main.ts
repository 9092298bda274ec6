/** `npm start`: the bot process. Reads the environment once, starts the app, stops it cleanly on SIGTERM/SIGINT. */
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { startApp } from './app.js';
import { JOBS } from './jobs.js';
import { DatabaseUnavailableError } from '../storage/database.js';
import { StartupError } from './composition/startup-error.js';

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** One sentence for a failed start; for the database it names the server and why it could not be reached. */
function startFailure(error: unknown): string {
  if (error instanceof DatabaseUnavailableError) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `m365-chatops cannot start: the database at ${error.target} cannot be reached${cause}. Check MONGODB_URI, or unset it to use the embedded dev database.`;
  }
  if (error instanceof StartupError) return `m365-chatops cannot start: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

const config = readConfig();
const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });

/** Exits once the last log lines are written (pino writes asynchronously; a busy pipe would lose them). */
function exitAfterLogs(code: number): void {
  process.exitCode = code;
  // Should the flush never answer, exit anyway soon after.
  setTimeout(() => process.exit(code), 2000).unref();
  logger.flush(() => process.exit(code));
}

process.on('unhandledRejection', (reason) => {
  logger.fatal({ err: reason }, 'unhandled promise rejection');
  exitAfterLogs(1);
});

try {
  const app = await startApp(config, logger, { jobs: JOBS });
  logger.info(`m365-chatops is running at ${app.url}`);
  logger.info(`  GET ${app.url}/healthz   process is up`);
  logger.info(`  GET ${app.url}/readyz    database reachable and scheduler running`);
  for (const line of app.description) logger.info(line);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      if (signal !== 'SIGINT') return;
      logger.warn('SIGINT again: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal} received: stopping (press Ctrl+C again to force)`);
    app.stop().then(
      () => {
        logger.info('stopped cleanly');
        exitAfterLogs(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        exitAfterLogs(1);
      },
    );
  };
  process.on('SIGTERM', () => {
    shutdown('SIGTERM');
  });
  process.on('SIGINT', () => {
    shutdown('SIGINT');
  });
} catch (error) {
  logger.fatal(startFailure(error));
  exitAfterLogs(1);
}
