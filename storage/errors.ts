import {
  MongoBulkWriteError,
  MongoError,
  MongoNetworkError,
  MongoOperationTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  type Db,
} from 'mongodb';
import type { z } from 'zod';
import {
  DatabaseUnavailableError,
  DirectoryConflictError,
  DomainError,
  StoredRecordInvalidError,
} from '../commands/errors.js';

/**
 * The one place that reads MongoDB driver errors and turns them into the error taxonomy (commands/errors.ts).
 * Repositories run every driver call through a StorageGuard; nothing else inspects driver error shapes.
 */

const DUPLICATE_KEY = 11000;

/** Server error codes that mean "the server can't serve this right now" rather than "this request is wrong". */
const TRANSIENT_SERVER_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

export function isDuplicateKeyError(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

/** An unordered bulk insert whose only failures were duplicates (the rest of the batch was written). */
export function isOnlyDuplicateKeyErrors(error: unknown): boolean {
  if (!(error instanceof MongoBulkWriteError)) return isDuplicateKeyError(error);
  const reported: unknown = error.writeErrors;
  const writeErrors: unknown[] = Array.isArray(reported) ? reported : [reported];
  return (
    writeErrors.length > 0 &&
    writeErrors.every(
      (writeError) =>
        typeof writeError === 'object' &&
        writeError !== null &&
        (writeError as { code?: unknown }).code === DUPLICATE_KEY,
    )
  );
}

/**
 * Whether a duplicate-key error came from the index on `field`. MongoDB says so in keyPattern; FerretDB 1.x
 * names neither the index nor the key ("E11000 duplicate key error collection: db.users"), so without
 * keyPattern the caller's knowledge of the collection's unique indexes decides.
 */
function isDuplicateOn(error: unknown, field: string): boolean {
  if (!isDuplicateKeyError(error) || !(error instanceof MongoServerError)) return false;
  const keyPattern: unknown = error.keyPattern;
  if (keyPattern === undefined || keyPattern === null || typeof keyPattern !== 'object') return true;
  return field in keyPattern;
}

/**
 * Socket errors the driver (7.x) sometimes lets through unwrapped, e.g. `write ECONNRESET` from
 * Connection.writeCommand when the server vanishes under a pooled connection.
 */
const SOCKET_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

function isSocketError(error: unknown): boolean {
  // Shape, not instanceof Error: Node creates these in its own realm, which differs from a vm context's (jest).
  if (typeof error !== 'object' || error === null || error instanceof MongoError) return false;
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  return typeof code === 'string' && typeof syscall === 'string' && SOCKET_ERROR_CODES.has(code);
}

/**
 * FerretDB on SQLite answers "database is locked (SQLITE_BUSY)" when a writer waited longer than its busy
 * timeout: the write did not happen and the database is overloaded, not broken. FerretDB gives it no code of
 * its own, so the SQLite result name in the message is the only mark (MongoDB never says it).
 */
function isSqliteBusy(error: unknown): boolean {
  return error instanceof MongoServerError && /\bSQLITE_BUSY\b|database is locked/.test(error.message);
}

export function isUnavailableError(error: unknown): boolean {
  if (isSqliteBusy(error)) return true;
  if (isSocketError(error)) return true;
  if (error instanceof MongoNetworkError) return true; // includes MongoNetworkTimeoutError
  if (error instanceof MongoServerSelectionError) return true;
  if (error instanceof MongoOperationTimeoutError) return true;
  if (error instanceof MongoServerError && typeof error.code === 'number') {
    if (TRANSIENT_SERVER_CODES.has(error.code)) return true;
  }
  return error instanceof MongoError && error.hasErrorLabel('RetryableWriteError');
}

/** The server dropped a cursor (idle timeout, session expiry, failover): a listing can resume after its last key. */
const LOST_CURSOR_CODES = new Set([
  43, // CursorNotFound
  175, // QueryPlanKilled
  237, // CursorKilled
]);

export function isCursorLostError(error: unknown): boolean {
  return (
    error instanceof MongoServerError && typeof error.code === 'number' && LOST_CURSOR_CODES.has(error.code)
  );
}

export interface TranslationContext {
  /** host:port of the server(s), for DatabaseUnavailableError. */
  target: string;
  /** Set on writes to users: a duplicate on the emailLower index means this email already exists. */
  conflictEmail?: string;
}

/** The taxonomy error for a driver error, or the error itself when no translation applies. */
export function translateDriverError(error: unknown, context: TranslationContext): unknown {
  if (error instanceof DomainError) return error;
  if (context.conflictEmail !== undefined && isDuplicateOn(error, 'emailLower')) {
    return new DirectoryConflictError(context.conflictEmail);
  }
  if (isUnavailableError(error)) return new DatabaseUnavailableError(context.target, { cause: error });
  return error;
}

/** host:port of every server the client was configured with (never credentials). */
export function describeServers(db: Db): string {
  const hosts = db.client.options.hosts.map((host) => host.toString());
  return hosts.length > 0 ? hosts.join(',') : 'the configured MongoDB server';
}

/** Runs driver calls for one database and translates whatever they throw. */
export class StorageGuard {
  readonly target: string;

  constructor(db: Db) {
    this.target = describeServers(db);
  }

  async run<T>(action: () => Promise<T>, conflictEmail?: string): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw this.translate(error, conflictEmail);
    }
  }

  translate(error: unknown, conflictEmail?: string): unknown {
    return translateDriverError(error, {
      target: this.target,
      ...(conflictEmail === undefined ? {} : { conflictEmail }),
    });
  }
}

/**
 * Parses a stored document with its zod schema. A document that does not match (edited by hand, written by
 * an older version) is reported with its collection and id, and field paths only: never the stored values.
 */
export function parseStored<Schema extends z.ZodType>(
  schema: Schema,
  collection: string,
  recordId: string,
  document: unknown,
): z.output<Schema> {
  const parsed = schema.safeParse(document);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(document)'}: ${issue.message}`,
  );
  throw new StoredRecordInvalidError(collection, recordId, problems);
}
