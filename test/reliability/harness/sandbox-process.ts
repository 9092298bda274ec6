import type { SandboxUser } from '../../../sandbox/model.js';
import type { RequestRecord } from '../../../sandbox/inspection.js';
import type { FaultOptions } from '../../../sandbox/options.js';
import {
  startSandboxProcess as startChild,
  type SandboxChild,
  type SandboxProcessOptions,
} from '../../../bench/support/sandbox-process.js';

/**
 * The sandbox tenant in a child process of its own (bench/support/sandbox-process.ts starts it), so it outlives
 * every bot process the test kills. Inspection goes over HTTP (/_sandbox/…, enabled with --expose-inspection).
 *
 * The sandbox keeps only its last 10,000 requests, so `requestLog()` polls in the background and keeps
 * every record it saw: long runs are counted in full.
 */

export type { SandboxProcessOptions };

export interface SandboxProcess extends SandboxChild {
  /** Active users (with assignedLicenses, accountEnabled, …). */
  users(): Promise<SandboxUser[]>;
  /** Every request the sandbox answered since start (or since clearRequests), however many. */
  requests(): Promise<RequestRecord[]>;
  /** Forgets the recorded requests here and in the sandbox, and refills its throttling buckets. */
  clearRequests(): Promise<void>;
  setFaults(faults: Partial<FaultOptions>): Promise<FaultOptions>;
  revokeTokens(): Promise<void>;
  close(): Promise<void>;
}

async function inspect<T>(baseUrl: string, name: string, init?: { body: unknown }): Promise<T> {
  const response = await fetch(`${baseUrl}_sandbox/${name}`, {
    method: init === undefined ? 'GET' : 'POST',
    ...(init === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`sandbox ${name}: ${String(response.status)} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

const recordKey = (record: RequestRecord) =>
  `${record.requestId}|${record.batchItemId ?? ''}|${record.time}|${record.method}|${record.path}`;

/** Accumulates the sandbox's bounded request log by polling it. */
function requestCollector(baseUrl: string) {
  const seen = new Map<string, RequestRecord>();
  let polling: Promise<void> = Promise.resolve();
  const poll = (): Promise<void> => {
    polling = polling
      .then(async () => {
        const { value } = await inspect<{ value: RequestRecord[] }>(baseUrl, 'requests');
        for (const record of value) seen.set(recordKey(record), record);
      })
      .catch(() => undefined);
    return polling;
  };
  const timer = setInterval(() => void poll(), 1000);
  timer.unref();
  return {
    async all() {
      await poll();
      return [...seen.values()];
    },
    async clear() {
      await polling;
      await inspect(baseUrl, 'reset', { body: {} });
      seen.clear();
    },
    stop: () => {
      clearInterval(timer);
      return polling;
    },
  };
}

/** Starts `node dist/sandbox/cli.js` with these options (inspection on) and waits for its connection line. */
export async function startSandboxProcess(options: SandboxProcessOptions = {}): Promise<SandboxProcess> {
  const child = await startChild({ seed: 1, ...options, exposeInspection: true });
  const { baseUrl } = child;
  const collector = requestCollector(baseUrl);
  return {
    connectionJson: child.connectionJson,
    baseUrl,
    pid: child.pid,
    users: async () => (await inspect<{ value: SandboxUser[] }>(baseUrl, 'users')).value,
    requests: () => collector.all(),
    clearRequests: () => collector.clear(),
    setFaults: (faults) => inspect<FaultOptions>(baseUrl, 'faults', { body: faults }),
    revokeTokens: () => inspect<undefined>(baseUrl, 'revoke-tokens', { body: {} }),
    async close() {
      await collector.stop();
      await child.close();
    },
  };
}
