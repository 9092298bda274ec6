import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MongoServerError } from 'mongodb';
import { COLLECTIONS, INDEXES, normaliseEmail } from '../../storage/collections.js';
import { ensureIndexes } from '../../storage/database.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase(import.meta.url);
});
afterAll(async () => {
  await database.close();
});

describe('start-up indexes on the dev database', () => {
  it('creates every planned index, and creating them again changes nothing', async () => {
    await ensureIndexes(database.db);
    await ensureIndexes(database.db);
    for (const plan of INDEXES) {
      const indexes = (await database.db.collection(plan.collection).listIndexes().toArray()) as {
        name: string;
      }[];
      const names = indexes.map((index) => index.name);
      expect(names).toContain(plan.options.name);
    }
  });

  it('refuses a second user whose email differs only in case', async () => {
    await ensureIndexes(database.db);
    const users = database.db.collection(COLLECTIONS.users);
    await users.insertOne({ email: 'Alice@Contoso.com', emailLower: normaliseEmail('Alice@Contoso.com') });
    const duplicate = users.insertOne({
      email: 'alice@contoso.COM',
      emailLower: normaliseEmail(' alice@contoso.COM '),
    });
    await expect(duplicate).rejects.toBeInstanceOf(MongoServerError);
    await expect(duplicate).rejects.toMatchObject({ code: 11000 });
    expect(await users.countDocuments({})).toBe(1);
  });
});
