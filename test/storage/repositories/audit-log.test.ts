import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NewAuditEvent } from '../../../commands/engine/model.js';
import { COLLECTIONS } from '../../../storage/collections.js';
import { createRepositories, ensureIndexes, type Repositories } from '../../../storage/repositories/index.js';
import { openTestDatabase, type TestDatabase } from '../../support/database.js';
import { admin } from './fixtures.js';

let database: TestDatabase;
let repositories: Repositories;
let now = new Date('2025-03-01T12:00:00Z');

beforeAll(async () => {
  database = await openTestDatabase(import.meta.url);
  await ensureIndexes(database.db);
  repositories = createRepositories(database.db, { clock: { now: () => now } });
});
afterAll(async () => {
  await database.close();
});

function event(overrides: Partial<NewAuditEvent> = {}): NewAuditEvent {
  return {
    actor: admin,
    action: 'bind',
    target: 'alice@contoso.com',
    parameters: { licence: 'ENTERPRISEPACK', welcome: true },
    graphRequestIds: ['req-1'],
    outcome: 'succeeded',
    detail: null,
    operationId: 'op-1',
    ...overrides,
  };
}

describe('AuditLog on the dev database', () => {
  it('appends an event with an id and the time, and reads it back', async () => {
    const appended = await repositories.audit.append(event());
    expect(appended).toEqual({ ...event(), id: expect.stringMatching(/^[0-9a-f]{24}$/), at: now });
    expect(await repositories.audit.query({ target: 'alice@contoso.com' })).toEqual([appended]);
  });

  it.each([
    [{ password: 'x' }, 'password'],
    [{ nested: { clientSecret: 'x' } }, 'nested.clientSecret'],
    [{ headers: [{ Authorization: 'Bearer x' }] }, 'headers[0].Authorization'],
    [{ accessToken: 'x' }, 'accessToken'],
    [{ deep: { deeper: { userCredential: 'x' } } }, 'deep.deeper.userCredential'],
    [{ passphrase: 'x' }, 'passphrase'],
  ])('refuses parameters %j, naming the key and never the value', async (parameters, path) => {
    const before = await database.db.collection(COLLECTIONS.audit).countDocuments({});
    const append = repositories.audit.append(event({ parameters }));
    await expect(append).rejects.toThrow(`parameter "${path}" looks like a secret`);
    await expect(append).rejects.not.toThrow(/Bearer x|: 'x'|"x"/);
    expect(await database.db.collection(COLLECTIONS.audit).countDocuments({})).toBe(before);
  });

  it('queries by target, by operation and since a time, newest first', async () => {
    now = new Date('2025-03-02T12:00:00Z');
    const first = await repositories.audit.append(event({ target: 'bob@contoso.com', operationId: 'op-2' }));
    const second = await repositories.audit.append(
      event({ target: 'bob@contoso.com', action: 'block', operationId: 'op-2' }),
    );
    now = new Date('2025-03-03T12:00:00Z');
    const third = await repositories.audit.append(
      event({ target: 'carol@contoso.com', operationId: 'op-2' }),
    );
    expect(await repositories.audit.query({ target: 'bob@contoso.com' })).toEqual([second, first]);
    expect(await repositories.audit.query({ operationId: 'op-2' })).toEqual([third, second, first]);
    expect(
      await repositories.audit.query({ operationId: 'op-2', since: new Date('2025-03-03T00:00:00Z') }),
    ).toEqual([third]);
    const all = await repositories.audit.query({});
    expect(all[0]).toEqual(third);
    expect(all.map((item) => item.at.getTime())).toEqual(
      [...all.map((item) => item.at.getTime())].sort((a, b) => b - a),
    );
  });

  it('limits to 100 by default and never returns more than 1,000', async () => {
    const documents = Array.from({ length: 1100 }, (_, index) => ({
      ...event({ target: 'many@contoso.com', detail: String(index) }),
      at: new Date(Date.UTC(2025, 3, 1, 0, 0, index)),
    }));
    await database.db.collection(COLLECTIONS.audit).insertMany(documents);
    const firstPage = await repositories.audit.query({ target: 'many@contoso.com' });
    expect(firstPage).toHaveLength(100);
    expect(firstPage[0]?.detail).toBe('1099');
    expect(await repositories.audit.query({ target: 'many@contoso.com', limit: 5000 })).toHaveLength(1000);
    expect(await repositories.audit.query({ target: 'many@contoso.com', limit: 3 })).toHaveLength(3);
    await expect(repositories.audit.query({ limit: 0 })).rejects.toThrow(/limit/);
  });

  it('offers no way to change or delete an event', () => {
    const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(repositories.audit)).filter(
      (name) => name !== 'constructor',
    );
    expect(methods.sort()).toEqual(['append', 'outcomesOf', 'query']);
  });
});
