import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StoredRecordInvalidError } from '../../../commands/errors.js';
import type { Actor } from '../../../commands/engine/model.js';
import { COLLECTIONS } from '../../../storage/collections.js';
import { createRepositories, ensureIndexes, type Repositories } from '../../../storage/repositories/index.js';
import { openTestDatabase, type TestDatabase } from '../../support/database.js';
import { admin } from './fixtures.js';

let database: TestDatabase;
let repositories: Repositories;
let now = new Date('2025-02-01T09:00:00Z');

beforeAll(async () => {
  database = await openTestDatabase(import.meta.url);
  await ensureIndexes(database.db);
  repositories = createRepositories(database.db, { clock: { now: () => now } });
});
afterAll(async () => {
  await database.close();
});

const other: Actor = { platform: 'slack', id: 'T1:U2', displayName: 'Bea Boss' };

describe('ConnectionStore on the dev database', () => {
  it('has no connection before the first activation', async () => {
    expect(await repositories.connection.get()).toBeNull();
    expect(await repositories.connection.deactivate(admin)).toBeNull();
  });

  it('activates a tenant, recording who and when', async () => {
    const connection = await repositories.connection.activate('tenant-a', admin);
    expect(connection).toEqual({ tenantId: 'tenant-a', status: 'active', authorisedBy: admin, since: now });
    expect(await repositories.connection.get()).toEqual(connection);
  });

  it('a different tenant replaces the old record: still one document', async () => {
    now = new Date('2025-02-02T09:00:00Z');
    const connection = await repositories.connection.activate('tenant-b', other);
    expect(connection).toEqual({ tenantId: 'tenant-b', status: 'active', authorisedBy: other, since: now });
    expect(await database.db.collection(COLLECTIONS.connection).countDocuments({})).toBe(1);
  });

  it('deactivates only an active connection: the second deactivation returns null', async () => {
    now = new Date('2025-02-03T09:00:00Z');
    const deactivated = await repositories.connection.deactivate(admin);
    expect(deactivated).toEqual({
      tenantId: 'tenant-b',
      status: 'deactivated',
      authorisedBy: admin,
      since: now,
    });
    expect(await repositories.connection.deactivate(admin)).toBeNull();
    expect(await repositories.connection.get()).toEqual(deactivated);
  });

  it('two concurrent deactivations: exactly one does it', async () => {
    await repositories.connection.activate('tenant-b', admin);
    const results = await Promise.all([
      repositories.connection.deactivate(admin),
      repositories.connection.deactivate(other),
    ]);
    expect(results.filter((result) => result !== null)).toHaveLength(1);
  });

  it('reactivates after a deactivation', async () => {
    expect(await repositories.connection.activate('tenant-b', admin)).toMatchObject({ status: 'active' });
  });

  it('reports a malformed stored connection', async () => {
    await database.db
      .collection<{ _id: string }>(COLLECTIONS.connection)
      .updateOne({ _id: 'connection' }, { $set: { status: 'paused' } });
    await expect(repositories.connection.get()).rejects.toBeInstanceOf(StoredRecordInvalidError);
    await expect(repositories.connection.get()).rejects.toThrow(/connection record connection.*status/);
  });
});
