import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { startPlayground } from './process.js';

/**
 * `npm run playground`: Microsoft 365 Agents Playground in front of the local bot (start the bot first with
 * `npm start`). The bot's port and the data folder come from the bot's configuration (PORT, DATA_DIR);
 * `--port N` sets the Playground's own port (default 56150, its usual one).
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const { values } = parseArgs({ options: { port: { type: 'string', default: '56150' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0–65535, got ${values.port}`);
  const botEndpoint = `http://127.0.0.1:${config.PORT}/api/messages`;
  const playground = await startPlayground({
    botEndpoint,
    port,
    workDir: join(config.DATA_DIR, 'playground'),
    onOutput: (line) => {
      if (line.trim() !== '') console.log(`[playground] ${line}`);
    },
  });
  console.log(
    [
      `Microsoft 365 Agents Playground: ${playground.url} (loopback only, no telemetry)`,
      `  talking to the bot at ${botEndpoint} as channel msteams, anonymously (the bot needs an empty MICROSOFT_APP_ID)`,
      `  mock tenant: ${playground.configFile}`,
      `  log: ${playground.logFile}`,
      'Open the URL in a browser. Ctrl+C stops it.',
    ].join('\n'),
  );
  const stop = () => {
    playground.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
