import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { DatabaseUnavailableError } from '../../../commands/errors.js';
import { ferretDbBinaryPath } from '../../../storage/devdb/ferretdb-build.js';
import { startFerretDb, type DevDatabase } from '../../../storage/devdb/ferretdb-server.js';
import { createRepositories, ensureIndexes } from '../../../storage/repositories/index.js';
import { newBinding, newUser } from './fixtures.js';
import { startOutageProxy, type OutageProxy } from './outage-proxy.js';

/**
 * A FerretDB of our own, reached through a proxy we can cut: the database "goes away" at once, for this file
 * only. (Stopping FerretDB itself works too, but its graceful shutdown waits ~3 s for open connections.)
 */
let server: DevDatabase;
let proxy: OutageProxy;
let dataDir: string;
let client: MongoClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'm365-chatops-unavailable-'));
  server = await startFerretDb({ binary: ferretDbBinaryPath(), dataDir });
  proxy = await startOutageProxy(server.port);
  client = new MongoClient(`mongodb://${proxy.address}/`, {
    serverSelectionTimeoutMS: 200,
    connectTimeoutMS: 200,
  });
  await client.connect();
});
afterAll(async () => {
  await client.close();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the database going away', () => {
  it('surfaces as DatabaseUnavailableError naming the server, on reads and writes alike', async () => {
    const db = client.db('unavailable');
    await ensureIndexes(db);
    const repositories = createRepositories(db);
    const user = await repositories.users.insert(newUser('alice@contoso.com'));

    await proxy.cut();

    const target = proxy.address;
    const read = repositories.users.findById(user.id);
    await expect(read).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(read).rejects.toMatchObject({ target, policy: 'retry', code: 'DATABASE_UNAVAILABLE' });
    await expect(read).rejects.toThrow(target);
    // A write of an existing email must not be mistaken for a conflict.
    await expect(repositories.users.insert(newUser('alice@contoso.com'))).rejects.toBeInstanceOf(
      DatabaseUnavailableError,
    );
    await expect(repositories.bindings.create(newBinding('u-1'))).rejects.toBeInstanceOf(
      DatabaseUnavailableError,
    );
    const list = async () => {
      for await (const binding of repositories.bindings.list()) return binding;
      return null;
    };
    await expect(list()).rejects.toBeInstanceOf(DatabaseUnavailableError);
  });

  it('a server that never answers fails server selection as DatabaseUnavailableError', async () => {
    await proxy.cut();
    const unreachable = new MongoClient(`mongodb://${proxy.address}/`, { serverSelectionTimeoutMS: 200 });
    try {
      const { audit } = createRepositories(unreachable.db('unavailable'));
      const query = audit.query({});
      await expect(query).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(query).rejects.toMatchObject({ target: proxy.address });
    } finally {
      await unreachable.close();
    }
  });
});
