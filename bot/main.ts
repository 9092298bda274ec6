/** `npm start`: the bot process. Reads the environment once, starts the app, stops it cleanly on SIGTERM/SIGINT. */
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { startApp } from './app.js';
import { JOBS } from './jobs.js';

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

const config = readConfig();
const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });

process.on('unhandledRejection', (reason) => {
  logger.fatal({ err: reason }, 'unhandled promise rejection');
  process.exit(1);
});

try {
  const app = await startApp(config, logger, { jobs: JOBS });
  logger.info(`m365-chatops is running at ${app.url}`);
  logger.info(`  GET ${app.url}/healthz   process is up`);
  logger.info(`  GET ${app.url}/readyz    database reachable and scheduler running`);
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
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
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
  logger.fatal(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
