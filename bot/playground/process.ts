import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { freeLoopbackPort } from '../../storage/devdb/loopback-port.js';
import { playgroundConfigYaml } from './config-file.js';
import { LOOPBACK_PRELOAD_SOURCE } from './loopback-preload.js';

/**
 * Starts Microsoft 365 Agents Playground against a bot endpoint, tamed for local use (builder-notes §7):
 * loopback only (a --require preload pins every listen to 127.0.0.1), no browser (TEAMSAPPTESTER_BROWSER=none),
 * no telemetry and no cloud-metadata probe (--disable-telemetry and APPLICATION_INSIGHTS_NO_STATSBEAT=true),
 * its log file, mock-tenant config and working directory under `workDir` (git-ignored .data/playground by
 * default), and a serviceUrl of 127.0.0.1 (by default it names localhost).
 */
export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages */
  botEndpoint: string;
  /** Where the Playground's UI and API listen; 0 picks a free port. */
  port: number;
  workDir: string;
  /** Called with every line the Playground prints (default: dropped). */
  onOutput?: (line: string) => void;
}

export interface RunningPlayground {
  /** `http://127.0.0.1:P` */
  url: string;
  port: number;
  pid: number;
  logFile: string;
  configFile: string;
  stop(): Promise<void>;
}

export function playgroundCliPath(): string {
  return createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');
}

function waitForListening(child: ChildProcess, onOutput: (line: string) => void): Promise<number> {
  return new Promise((resolvePort, reject) => {
    let pending = '';
    const onData = (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        onOutput(line);
        const match = /Listening on (\d+)/.exec(line);
        if (match) resolvePort(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => {
      reject(new Error(`the Playground exited (code ${code ?? 'null'}) before it listened`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

export async function startPlayground(options: PlaygroundOptions): Promise<RunningPlayground> {
  const workDir = resolve(options.workDir);
  mkdirSync(workDir, { recursive: true });
  const configFile = join(workDir, '.m365agentsplayground.yml');
  const logFile = join(workDir, 'm365agentsplayground.log');
  writeFileSync(configFile, playgroundConfigYaml());
  const preload = join(workDir, 'force-loopback.cjs');
  writeFileSync(preload, LOOPBACK_PRELOAD_SOURCE);
  // With port 0 the Playground would fall back to 56150; pick a free one first so serviceUrl can name it.
  const port = options.port === 0 ? await freeLoopbackPort() : options.port;
  const child = spawn(
    process.execPath,
    [
      '--require',
      preload,
      playgroundCliPath(),
      '--app-endpoint',
      options.botEndpoint,
      '--channel-id',
      'msteams',
      '--port',
      String(port),
      '--service-url',
      `http://127.0.0.1:${port}/_connector`,
      '--disable-telemetry',
    ],
    {
      cwd: workDir,
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: 'none',
        APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
        M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: configFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  try {
    const listening = await waitForListening(child, options.onOutput ?? (() => undefined));
    return {
      url: `http://127.0.0.1:${listening}`,
      port: listening,
      pid: child.pid ?? 0,
      logFile,
      configFile,
      stop: () => stopChild(child),
    };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}
