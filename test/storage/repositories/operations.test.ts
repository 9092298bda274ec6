import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InvalidInputError, StoredRecordInvalidError } from '../../../commands/errors.js';
import type { OperationStart } from '../../../commands/engine/ports.js';
import { COLLECTIONS } from '../../../storage/collections.js';
import { createRepositories, ensureIndexes, type Repositories } from '../../../storage/repositories/index.js';
import { openTestDatabase, type TestDatabase } from '../../support/database.js';
import { admin } from './fixtures.js';

let database: TestDatabase;
let repositories: Repositories;
const now = new Date('2025-04-01T08:00:00Z');

beforeAll(async () => {
  database = await openTestDatabase(import.meta.url);
  await ensureIndexes(database.db);
  repositories = createRepositories(database.db, { clock: { now: () => now } });
});
afterAll(async () => {
  await database.close();
});

function start(id: string, emails: string[]): OperationStart {
  return { id, kind: 'bind', actor: admin, parameters: { licence: 'E3', welcome: true }, emails };
}

describe('Operations on the dev database', () => {
  it('begins an operation with one pending record per distinct user, sorted by email', async () => {
    const { operation, resumed } = await repositories.operations.begin(
      start('op-begin', ['Zoe@Contoso.com', 'adam@contoso.com', 'ZOE@contoso.com']),
    );
    expect(resumed).toBe(false);
    expect(operation).toEqual({
      id: 'op-begin',
      kind: 'bind',
      actor: admin,
      parameters: { licence: 'E3', welcome: true },
      status: 'running',
      total: 2,
      createdAt: now,
      updatedAt: now,
    });
    const users = await repositories.operations.users('op-begin');
    expect(users.map((user) => user.emailLower)).toEqual(['adam@contoso.com', 'zoe@contoso.com']);
    expect(users[0]).toEqual({
      operationId: 'op-begin',
      emailLower: 'adam@contoso.com',
      steps: {},
      outcome: 'pending',
      m365Id: null,
      errorCode: null,
      errorMessage: null,
    });
  });

  it('begin twice with the same id: returns the first unchanged, resumed, and adds no users', async () => {
    const first = await repositories.operations.begin(start('op-twice', ['a@contoso.com']));
    const second = await repositories.operations.begin(start('op-twice', ['a@contoso.com', 'b@contoso.com']));
    expect(second).toEqual({ operation: first.operation, resumed: true });
    expect((await repositories.operations.users('op-twice')).map((user) => user.emailLower)).toEqual([
      'a@contoso.com',
    ]);
  });

  it('a begin that crashed after writing some users completes the list when run again', async () => {
    // The crash: part of the users were written, the operation itself never was.
    await database.db.collection(COLLECTIONS.operationUsers).insertOne({
      operationId: 'op-crashed',
      emailLower: 'b@contoso.com',
      steps: { create: 'done' },
      outcome: 'pending',
      m365Id: 'm-b',
      errorCode: null,
      errorMessage: null,
    });
    const emails = Array.from({ length: 1500 }, (_, index) => `user${index}@contoso.com`);
    const { resumed, operation } = await repositories.operations.begin(
      start('op-crashed', ['b@contoso.com', ...emails]),
    );
    expect(resumed).toBe(false);
    expect(operation.total).toBe(1501);
    const users = await repositories.operations.users('op-crashed');
    expect(users).toHaveLength(1501);
    expect(users.find((user) => user.emailLower === 'b@contoso.com')?.steps).toEqual({ create: 'done' });
  });

  it('two concurrent begins with one id: one creates, the other resumes', async () => {
    const results = await Promise.all([
      repositories.operations.begin(start('op-race', ['a@contoso.com', 'b@contoso.com'])),
      repositories.operations.begin(start('op-race', ['a@contoso.com', 'b@contoso.com'])),
    ]);
    expect(results.map((result) => result.resumed).sort()).toEqual([false, true]);
    expect(await repositories.operations.users('op-race')).toHaveLength(2);
  });

  it('records steps and outcomes per user, later records winning, in the order they were written', async () => {
    const { operations } = repositories;
    await operations.begin(start('op-steps', ['a@contoso.com', 'b@contoso.com']));
    await operations.record('op-steps', 'a@contoso.com', { steps: { create: 'started' } });
    await operations.record('op-steps', 'A@Contoso.com', { steps: { create: 'done', licence: 'started' } });
    await operations.record('op-steps', 'a@contoso.com', { steps: { licence: 'failed' } });
    await operations.record('op-steps', 'a@contoso.com', { steps: { licence: 'started' } });
    await operations.record('op-steps', 'a@contoso.com', {
      steps: { licence: 'done', 'welcome-mail': 'skipped' },
      result: { outcome: 'done', m365Id: 'm-a' },
    });
    await operations.record('op-steps', 'b@contoso.com', {
      result: {
        outcome: 'failed',
        errorCode: 'M365_ADDRESS_HELD',
        errorMessage: 'b@contoso.com can’t be created yet',
      },
    });
    const [a, b] = await operations.users('op-steps');
    expect(a).toMatchObject({
      steps: { create: 'done', licence: 'done', 'welcome-mail': 'skipped' },
      outcome: 'done',
      m365Id: 'm-a',
      errorCode: null,
    });
    expect(b).toMatchObject({ steps: {}, outcome: 'failed', m365Id: null, errorCode: 'M365_ADDRESS_HELD' });
  });

  it('a later success clears the error of an earlier failure of the same user', async () => {
    const { operations } = repositories;
    await operations.begin(start('op-retry', ['a@contoso.com']));
    await operations.record('op-retry', 'a@contoso.com', {
      result: { outcome: 'failed', errorCode: 'GRAPH_UNAVAILABLE', errorMessage: 'down' },
    });
    await operations.record('op-retry', 'a@contoso.com', { result: { outcome: 'done', m365Id: 'm-a' } });
    expect((await operations.users('op-retry'))[0]).toMatchObject({
      outcome: 'done',
      errorCode: null,
      errorMessage: null,
    });
  });

  it('refuses step names that are not plain words and unknown states, and ignores unknown users', async () => {
    const { operations } = repositories;
    await operations.begin(start('op-bad', ['a@contoso.com']));
    for (const step of ['$set', 'a.b', 'Create', '', 'x y', '-x']) {
      await expect(
        operations.record('op-bad', 'a@contoso.com', { steps: { [step]: 'done' } }),
      ).rejects.toBeInstanceOf(InvalidInputError);
    }
    await expect(
      operations.record('op-bad', 'a@contoso.com', { steps: { create: 'finished' as 'done' } }),
    ).rejects.toBeInstanceOf(InvalidInputError);
    await operations.record('op-bad', 'z@contoso.com', { steps: { create: 'done' } });
    const users = await operations.users('op-bad');
    expect(users.map((user) => [user.emailLower, user.steps])).toEqual([['a@contoso.com', {}]]);
  });

  it('refuses to record secret-looking parameters', async () => {
    const secret = { ...start('op-secret', ['a@contoso.com']), parameters: { initialPassword: 'x' } };
    await expect(repositories.operations.begin(secret)).rejects.toThrow(/initialPassword/);
    expect(await repositories.operations.users('op-secret')).toEqual([]);
  });

  it('running() lists only operations that have not completed', async () => {
    await repositories.operations.begin(start('op-done', ['a@contoso.com']));
    await repositories.operations.complete('op-done');
    await repositories.operations.complete('op-done');
    const running = (await repositories.operations.running()).map((operation) => operation.id);
    expect(running).toContain('op-begin');
    expect(running).not.toContain('op-done');
    expect(running.every((id) => id !== 'op-secret')).toBe(true);
    await expect(repositories.operations.complete('op-unknown')).rejects.toThrow(/no operation op-unknown/);
  });

  it('reports a malformed operation user with the operation and email', async () => {
    await database.db
      .collection(COLLECTIONS.operationUsers)
      .insertOne({ operationId: 'op-broken', emailLower: 'x@contoso.com', steps: { create: 'maybe' } });
    const read = repositories.operations.users('op-broken');
    await expect(read).rejects.toBeInstanceOf(StoredRecordInvalidError);
    await expect(read).rejects.toMatchObject({
      collection: 'operationUsers',
      recordId: 'op-broken/x@contoso.com',
    });
  });
});
