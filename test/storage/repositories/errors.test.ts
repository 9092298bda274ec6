import { describe, expect, it } from '@jest/globals';
import {
  type BulkWriteResult,
  MongoBulkWriteError,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
  type WriteError,
} from 'mongodb';
import { DatabaseUnavailableError, DirectoryConflictError, NotBoundError } from '../../../commands/errors.js';
import { isOnlyDuplicateKeyErrors, translateDriverError } from '../../../storage/errors.js';
import { findSecretLookingKey } from '../../../storage/repositories/secret-keys.js';

const context = { target: '127.0.0.1:27017' };
const duplicate = () =>
  new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key error collection: db.users' });

describe('translating driver errors', () => {
  it('a duplicate key on a users write becomes DirectoryConflictError for that email', () => {
    const translated = translateDriverError(duplicate(), { ...context, conflictEmail: 'Alice@contoso.com' });
    expect(translated).toBeInstanceOf(DirectoryConflictError);
    expect(translated).toMatchObject({ email: 'Alice@contoso.com' });
  });

  it('a duplicate key that MongoDB attributes to another index is not an email conflict', () => {
    const other = duplicate();
    other['keyPattern'] = { _id: 1 };
    expect(translateDriverError(other, { ...context, conflictEmail: 'a@contoso.com' })).toBe(other);
  });

  it('a duplicate key elsewhere is rethrown as it is', () => {
    const error = duplicate();
    expect(translateDriverError(error, context)).toBe(error);
  });

  it('network, server-selection and shutdown errors become DatabaseUnavailableError with the cause kept', () => {
    for (const error of [
      new MongoNetworkError('connect ECONNREFUSED'),
      new MongoServerSelectionError('Server selection timed out after 500 ms', {
        type: 'Unknown',
        servers: new Map(),
        stale: false,
        compatible: true,
        heartbeatFrequencyMS: 10000,
        localThresholdMS: 15,
      } as unknown as ConstructorParameters<typeof MongoServerSelectionError>[1]),
      new MongoServerError({ code: 91, errmsg: 'The server is in quiesce mode' }),
      // The driver sometimes lets a raw socket error through (seen: `write ECONNRESET` from writeCommand).
      Object.assign(new Error('write ECONNRESET'), { code: 'ECONNRESET', syscall: 'write' }),
    ]) {
      const translated = translateDriverError(error, { ...context, conflictEmail: 'a@contoso.com' });
      expect(translated).toBeInstanceOf(DatabaseUnavailableError);
      expect(translated).toMatchObject({ target: context.target, cause: error });
    }
  });

  it("FerretDB's SQLITE_BUSY (a writer that waited too long) becomes DatabaseUnavailableError, to retry", () => {
    const busy = new MongoServerError({ code: 1, errmsg: 'database is locked (5) (SQLITE_BUSY)' });
    const translated = translateDriverError(busy, { target: '127.0.0.1:27017' });
    expect(translated).toBeInstanceOf(DatabaseUnavailableError);
    expect((translated as DatabaseUnavailableError).policy).toBe('retry');
  });

  it('anything else, and errors already in the taxonomy, pass through unchanged', () => {
    const programming = new TypeError('x is not a function');
    const validation = new MongoServerError({ code: 2, errmsg: 'BadValue' });
    const domain = new NotBoundError('a@contoso.com');
    for (const error of [programming, validation, domain])
      expect(translateDriverError(error, context)).toBe(error);
  });

  it('recognises an unordered bulk insert whose only failures are duplicates', () => {
    const bulk = (codes: number[]) =>
      new MongoBulkWriteError(
        {
          message: 'bulk',
          code: codes[0] ?? 0,
          writeErrors: codes.map((code, index) => ({ code, index, errmsg: 'x' }) as unknown as WriteError),
        },
        Object.create(null) as BulkWriteResult,
      );
    expect(isOnlyDuplicateKeyErrors(bulk([11000, 11000]))).toBe(true);
    expect(isOnlyDuplicateKeyErrors(bulk([11000, 121]))).toBe(false);
    expect(isOnlyDuplicateKeyErrors(new Error('other'))).toBe(false);
  });
});

describe('secret-looking keys', () => {
  it('finds them at any depth, in arrays and maps, and ignores values', () => {
    expect(findSecretLookingKey({ a: 1, b: { c: [{ d: { token: 1 } }] } })).toBe('b.c[0].d.token');
    expect(findSecretLookingKey({ m: new Map([['ClientSecret', 'x']]) })).toBe('m.ClientSecret');
    expect(findSecretLookingKey({ note: 'my password is hunter2', list: ['secret'] })).toBeNull();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    expect(findSecretLookingKey(cyclic)).toBeNull();
  });
});
