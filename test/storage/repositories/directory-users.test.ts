import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  DirectoryConflictError,
  DirectoryUserNotFoundError,
  InvalidInputError,
  StoredRecordInvalidError,
} from '../../../commands/errors.js';
import { COLLECTIONS } from '../../../storage/collections.js';
import { createRepositories, ensureIndexes, type Repositories } from '../../../storage/repositories/index.js';
import { openTestDatabase, type TestDatabase } from '../../support/database.js';
import { newUser } from './fixtures.js';

let database: TestDatabase;
let repositories: Repositories;

beforeAll(async () => {
  database = await openTestDatabase(import.meta.url);
  await ensureIndexes(database.db);
  repositories = createRepositories(database.db);
});
afterAll(async () => {
  await database.close();
});

describe('DirectoryUsers on the dev database', () => {
  it('inserts a user with a new id, a lower-case key and timestamps, and finds it by id', async () => {
    const user = await repositories.users.insert(newUser('Bob.Smith@Contoso.com'));
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user.email).toBe('Bob.Smith@Contoso.com');
    expect(user.emailLower).toBe('bob.smith@contoso.com');
    expect(user.createdAt).toEqual(user.updatedAt);
    expect(await repositories.users.findById(user.id)).toEqual(user);
    expect(await repositories.users.findById('no-such-id')).toBeNull();
  });

  it('keeps the domain record clean: the stored _id is the id, with no extra fields read back', async () => {
    const user = await repositories.users.insert(newUser('clean@contoso.com'));
    const stored = await database.db
      .collection(COLLECTIONS.users)
      .findOne({ emailLower: 'clean@contoso.com' });
    expect(stored?.['_id']).toBe(user.id);
    expect(Object.keys((await repositories.users.findById(user.id)) ?? {})).not.toContain('_id');
  });

  it('refuses an email that differs only in case with DirectoryConflictError, and stores nothing', async () => {
    await repositories.users.insert(newUser('Carol@Contoso.com'));
    const duplicate = repositories.users.insert(newUser('carol@CONTOSO.com'));
    await expect(duplicate).rejects.toBeInstanceOf(DirectoryConflictError);
    await expect(duplicate).rejects.toMatchObject({ email: 'carol@CONTOSO.com', policy: 'per-user' });
    expect(
      await database.db.collection(COLLECTIONS.users).countDocuments({ emailLower: 'carol@contoso.com' }),
    ).toBe(1);
  });

  it("finds by email case-insensitively, including an o'brien-style address", async () => {
    const liam = await repositories.users.insert(newUser("Liam.O'Brien@Contoso.com"));
    expect(await repositories.users.findByEmail("liam.o'brien@contoso.com")).toEqual(liam);
    expect(await repositories.users.findByEmail(" LIAM.O'BRIEN@CONTOSO.COM ")).toEqual(liam);
    expect(await repositories.users.findByEmail('nobody@contoso.com')).toBeNull();
  });

  it('finds many users in bulk, keyed by lower-case email, with missing ones absent', async () => {
    const emails = Array.from({ length: 1205 }, (_, index) => `bulk${index}@contoso.com`);
    for (const email of emails.slice(0, 1200)) await repositories.users.insert(newUser(email));
    const asked = [...emails.map((email) => email.toUpperCase()), 'BULK7@contoso.com'];
    const found = await repositories.users.findByEmails(asked);
    expect(found.size).toBe(1200);
    expect(found.get('bulk1199@contoso.com')?.email).toBe('bulk1199@contoso.com');
    expect(found.has('bulk1200@contoso.com')).toBe(false);
    expect((await repositories.users.findByEmails([])).size).toBe(0);
  });

  it('updates the given fields, bumps updatedAt and returns the updated user', async () => {
    let now = new Date('2025-05-01T10:00:00Z');
    const { users } = createRepositories(database.db, { clock: { now: () => now } });
    const user = await users.insert(newUser('dave@contoso.com'));
    now = new Date('2025-05-01T10:05:00Z');
    const updated = await users.update(user.id, { jobTitle: 'Engineer', department: null });
    expect(updated).toMatchObject({
      id: user.id,
      jobTitle: 'Engineer',
      department: null,
      givenName: 'Alice',
    });
    expect(user.updatedAt).toEqual(new Date('2025-05-01T10:00:00Z'));
    expect(updated.updatedAt).toEqual(new Date('2025-05-01T10:05:00Z'));
    expect(updated.createdAt).toEqual(user.createdAt);
    expect(await repositories.users.findById(user.id)).toEqual(updated);
  });

  it('never lets update change the id, email or its key, even when a caller smuggles them in', async () => {
    const user = await repositories.users.insert(newUser('erin@contoso.com'));
    const smuggled = { jobTitle: 'Lead', email: 'x@contoso.com', emailLower: 'x@contoso.com', id: 'other' };
    const updated = await repositories.users.update(user.id, smuggled);
    expect(updated).toMatchObject({ id: user.id, email: 'erin@contoso.com', emailLower: 'erin@contoso.com' });
    expect(updated.jobTitle).toBe('Lead');
  });

  it('refuses an invalid update and an update of a user that does not exist', async () => {
    const user = await repositories.users.insert(newUser('frank@contoso.com'));
    await expect(repositories.users.update(user.id, { usageLocation: 'USA' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(repositories.users.update('missing', { jobTitle: 'x' })).rejects.toBeInstanceOf(
      DirectoryUserNotFoundError,
    );
  });

  it('concurrent updates of different fields of one user both land', async () => {
    const user = await repositories.users.insert(newUser('grace@contoso.com'));
    await Promise.all([
      repositories.users.update(user.id, { jobTitle: 'Manager' }),
      repositories.users.update(user.id, { department: 'Finance' }),
      repositories.users.update(user.id, { employeeId: 'E-42' }),
    ]);
    expect(await repositories.users.findById(user.id)).toMatchObject({
      jobTitle: 'Manager',
      department: 'Finance',
      employeeId: 'E-42',
    });
  });

  it('records password states (never a password): the last one recorded is the current one', async () => {
    const user = await repositories.users.insert(newUser('heidi@contoso.com'));
    const first = {
      setAt: new Date('2025-03-01T00:00:00Z'),
      expiresAt: new Date('2025-06-01T00:00:00Z'),
      policyVersion: 2,
    };
    // Same setAt on purpose (a test clock may stand still): the order of recording decides.
    const second = { ...first, expiresAt: null, policyVersion: 3 };
    await repositories.users.setPasswordState(user.id, first);
    expect((await repositories.users.findById(user.id))?.password).toEqual(first);
    await repositories.users.setPasswordState(user.id, second);
    expect((await repositories.users.findById(user.id))?.password).toEqual(second);
    expect((await repositories.users.findByEmail('HEIDI@contoso.com'))?.password).toEqual(second);
    expect(
      (await repositories.users.findByEmails(['heidi@contoso.com'])).get('heidi@contoso.com')?.password,
    ).toEqual(second);
    const updated = await repositories.users.update(user.id, { jobTitle: 'Engineer' });
    expect(updated.password).toEqual(second);
  });

  it('refuses a password state through update(): only setPasswordState records one', async () => {
    const user = await repositories.users.insert(newUser('ivan@contoso.com'));
    const state = { setAt: new Date('2025-03-01T00:00:00Z'), expiresAt: null, policyVersion: 1 };
    const updated = await repositories.users.update(user.id, { jobTitle: 'Lead', password: state });
    expect(updated).toMatchObject({ jobTitle: 'Lead' });
    expect(updated.password ?? null).toBeNull();
  });

  it('reports a malformed stored document with its collection and id instead of returning it', async () => {
    await database.db.collection<{ _id: string; [field: string]: unknown }>(COLLECTIONS.users).insertOne({
      _id: 'broken-1',
      email: 'not-an-email',
      emailLower: 'broken@contoso.com',
      displayName: 7,
    });
    const read = repositories.users.findById('broken-1');
    await expect(read).rejects.toBeInstanceOf(StoredRecordInvalidError);
    await expect(read).rejects.toMatchObject({ collection: 'users', recordId: 'broken-1' });
    await expect(read).rejects.toThrow(/users record broken-1.*displayName/);
    await expect(repositories.users.findByEmail('broken@contoso.com')).rejects.toBeInstanceOf(
      StoredRecordInvalidError,
    );
  });
});
