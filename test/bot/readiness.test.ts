/**
 * /readyz follows the database: the app runs on a FerretDB of its own, which the test stops and starts again
 * on the same port and data folder, as an operator restarting the database would.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningApp } from '../../bot/app.js';
import { ensureFerretDb } from '../../storage/devdb/ferretdb-build.js';
import { freePort, startFerretDb, type DevDatabase } from '../../storage/devdb/ferretdb-server.js';
import { getJson, startTestApp, testConfig } from '../support/app.js';
import { waitFor } from '../support/wait.js';

let binary: string;
let dataDir: string;
let port: number;
let ferretDb: DevDatabase | undefined;
let app: RunningApp | undefined;

const startDatabase = async () => {
  ferretDb = await startFerretDb({ binary, dataDir, port });
};

beforeAll(async () => {
  // Built by the jest global setup already (unless MONGODB_URI pointed the run elsewhere: then built here).
  binary = await ensureFerretDb(() => undefined);
  dataDir = await mkdtemp(join(tmpdir(), 'm365-chatops-readyz-'));
  port = await freePort();
  await startDatabase();
  app = await startTestApp(testConfig(import.meta.url, { MONGODB_URI: `mongodb://127.0.0.1:${port}/` }));
}, 600_000);

afterAll(async () => {
  await app?.stop();
  await ferretDb?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Polls /readyz until it answers `status` (bounded), then returns the body. */
function readyzBecomes(status: number) {
  const url = `${app?.url ?? ''}/readyz`;
  return waitFor(`/readyz to answer ${status}`, async () => {
    const response = await getJson(url);
    return response.status === status ? response.body : undefined;
  });
}

describe('/readyz and the database', () => {
  it('turns 503 "database unreachable" when the database stops, and 200 again when it is back', async () => {
    expect(await readyzBecomes(200)).toEqual({
      status: 'ready',
      checks: { database: 'ok', scheduler: 'running' },
    });

    await ferretDb?.stop();
    expect(await readyzBecomes(503)).toEqual({
      status: 'unavailable',
      reason: 'database unreachable',
      checks: { database: 'unreachable', scheduler: 'running' },
    });
    // /healthz is about the process alone.
    expect((await getJson(`${app?.url ?? ''}/healthz`)).status).toBe(200);

    await startDatabase();
    expect(await readyzBecomes(200)).toEqual({
      status: 'ready',
      checks: { database: 'ok', scheduler: 'running' },
    });
  });
});
