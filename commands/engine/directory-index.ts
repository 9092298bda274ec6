/**
 * A read-only, in-memory snapshot of what import-preview classification needs from the directory: which
 * lower-case emails it holds (and the Microsoft 365 object each was imported from), and which Microsoft 365
 * objects are bound. Loading it is one streamed read of the users and of the bindings, instead of two `$in`
 * lookups per Graph page, which FerretDB answers with a full collection scan each (it pushes down only
 * `{ _id: … }` filters), and MongoDB with up to 1,000 index probes each.
 *
 * Memory: about 15 MB per 100,000 directory users and 14 MB per 100,000 bindings (heap measured after
 * loading 100,000 imported users and 100,000 bindings from FerretDB: 29 MB, with UUID ids and 30-character
 * emails); `maxEntries` bounds it, and a directory above the bound is not loaded.
 */

export interface DirectorySnapshot {
  /**
   * The directory user holding this lower-case email: `{ importedFromM365Id }` (null when created here), or
   * undefined when no directory user has it.
   */
  userByEmail(emailLower: string): { importedFromM365Id: string | null } | undefined;
  /** The directory user bound to this Microsoft 365 object id, if any (bindings without an object skipped). */
  boundUserId(m365Id: string): string | undefined;
  /** How many users and bindings (with a Microsoft 365 object) it holds. */
  readonly size: { users: number; bindings: number };
}

export interface DirectoryIndexLoad {
  /** Users plus bindings at most; beyond it, load() gives up and answers null (the caller looks up per page). */
  maxEntries: number;
  /** Stops a load nobody waits for any more (the preview failed or was abandoned); load() then rejects. */
  signal?: AbortSignal;
}

export interface DirectoryIndex {
  /** The directory as it is now, or null when it holds more than `maxEntries` users plus bindings. */
  load(options: DirectoryIndexLoad): Promise<DirectorySnapshot | null>;
}
