import type { Db } from 'mongodb';
import type {
  AuditLog,
  Bindings,
  ConnectionStore,
  DirectoryUsers,
  Operations,
} from '../../commands/engine/ports.js';
import type { DirectoryIndex } from '../../commands/engine/directory-index.js';
import { MongoAuditLog } from './audit-log.js';
import { MongoBindings, type BindingsOptions } from './bindings.js';
import { MongoConnectionStore } from './connection-store.js';
import { MongoDirectoryIndex } from './directory-index.js';
import { MongoDirectoryUsers } from './directory-users.js';
import { registerLockDatabase } from './document-lock.js';
import { MongoOperations } from './operations.js';

export { ensureIndexes } from '../database.js';
export {
  MongoAuditLog,
  MongoBindings,
  MongoConnectionStore,
  MongoDirectoryIndex,
  MongoDirectoryUsers,
  MongoOperations,
};
export type { BindingsOptions };

/** The engine's directory ports, implemented on one MongoDB database. */
export interface Repositories {
  users: DirectoryUsers;
  bindings: Bindings;
  connection: ConnectionStore;
  audit: AuditLog;
  operations: Operations;
  directoryIndex: DirectoryIndex;
}

/**
 * Builds every repository on `db`. They rely on the unique indexes in storage/collections.ts (a second binding
 * for a user, a case-variant duplicate email): call ensureIndexes(db) once at start-up, as bot/app.ts does.
 */
export function createRepositories(db: Db, options: BindingsOptions = {}): Repositories {
  // The repositories' document locks keep their leases in this database (see document-lock.ts).
  registerLockDatabase(db);
  return {
    users: new MongoDirectoryUsers(db, options),
    bindings: new MongoBindings(db, options),
    connection: new MongoConnectionStore(db, options),
    audit: new MongoAuditLog(db, options),
    operations: new MongoOperations(db, options),
    directoryIndex: new MongoDirectoryIndex(db),
  };
}
