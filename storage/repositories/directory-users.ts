import { randomUUID } from 'node:crypto';
import type { Collection, Db, Document } from 'mongodb';
import { DirectoryUserNotFoundError } from '../../commands/errors.js';
import type { DirectoryUsers } from '../../commands/engine/ports.js';
import {
  directoryUserSchema,
  type DirectoryUser,
  type NewDirectoryUser,
  type PasswordState,
} from '../../commands/engine/model.js';
import { COLLECTIONS, normaliseEmail } from '../collections.js';
import { parseStored, StorageGuard } from '../errors.js';
import { withDocumentLock } from './document-lock.js';
import { PasswordStates } from './password-states.js';
import {
  chunk,
  definedOnly,
  IN_QUERY_CHUNK,
  parseInput,
  systemClock,
  type RepositoryOptions,
} from './shared.js';

/** Stored shape: the domain id is the document's _id (a UUID string), so no second unique index is needed. */
type UserDocument = Omit<DirectoryUser, 'id'> & { _id: string };

type UserPatch = Parameters<DirectoryUsers['update']>[1];

/**
 * What update() may change; zod drops anything else (id, email, emailLower, createdAt, and the password
 * state, which only setPasswordState() records).
 */
const userPatchSchema = directoryUserSchema
  .omit({ id: true, email: true, emailLower: true, createdAt: true, updatedAt: true, password: true })
  .partial();

function toDocument(user: DirectoryUser): UserDocument {
  const { id, ...fields } = user;
  return { _id: id, ...fields };
}

function fromDocument(document: Document): DirectoryUser {
  const id: unknown = document['_id'];
  return parseStored(directoryUserSchema, COLLECTIONS.users, String(id), { ...document, id });
}

/** The recorded password state wins over one stored on the user document by earlier versions. */
function withState(user: DirectoryUser, password: PasswordState | undefined): DirectoryUser {
  return password === undefined ? user : { ...user, password };
}

export class MongoDirectoryUsers implements DirectoryUsers {
  private readonly collection: Collection<UserDocument>;
  private readonly guard: StorageGuard;
  private readonly clock;
  private readonly passwords: PasswordStates;

  constructor(
    private readonly db: Db,
    options: RepositoryOptions = {},
  ) {
    this.collection = db.collection<UserDocument>(COLLECTIONS.users);
    this.passwords = new PasswordStates(db);
    this.guard = new StorageGuard(db);
    this.clock = options.clock ?? systemClock;
  }

  async insert(user: NewDirectoryUser): Promise<DirectoryUser> {
    const now = this.clock.now();
    const email = user.email.trim();
    const record = parseInput(
      directoryUserSchema,
      { ...user, email, id: randomUUID(), emailLower: normaliseEmail(email), createdAt: now, updatedAt: now },
      `The directory user ${email}`,
    );
    await this.guard.run(() => this.collection.insertOne(toDocument(record)), email);
    return record;
  }

  async findById(id: string): Promise<DirectoryUser | null> {
    const document = await this.guard.run(() => this.collection.findOne({ _id: id }));
    return document === null ? null : this.withPassword(fromDocument(document));
  }

  async findByEmail(email: string): Promise<DirectoryUser | null> {
    const emailLower = normaliseEmail(email);
    const document = await this.guard.run(() => this.collection.findOne({ emailLower }));
    return document === null ? null : this.withPassword(fromDocument(document));
  }

  async findByEmails(emails: readonly string[]): Promise<Map<string, DirectoryUser>> {
    const found = new Map<string, DirectoryUser>();
    const keys = [...new Set(emails.map(normaliseEmail))];
    for (const keysChunk of chunk(keys, IN_QUERY_CHUNK)) {
      const documents = await this.guard.run(() =>
        this.collection.find({ emailLower: { $in: keysChunk } }).toArray(),
      );
      const users = documents.map(fromDocument);
      const passwords = await this.passwords.current(users.map((user) => user.id));
      for (const user of users) found.set(user.emailLower, withState(user, passwords.get(user.id)));
    }
    return found;
  }

  async update(id: string, patch: UserPatch): Promise<DirectoryUser> {
    const parsed = parseInput(userPatchSchema, patch, `The update for directory user ${id}`);
    const changes = { ...definedOnly(parsed), updatedAt: this.clock.now() };
    const updated = await withDocumentLock(this.lockKey(id), () =>
      this.guard.run(() =>
        this.collection.findOneAndUpdate({ _id: id }, { $set: changes }, { returnDocument: 'after' }),
      ),
    );
    if (updated === null) throw new DirectoryUserNotFoundError(id);
    return this.withPassword(fromDocument(updated));
  }

  /** One insert (see password-states.ts); `id` is a user the caller has just read. */
  async setPasswordState(id: string, state: PasswordState): Promise<void> {
    await this.passwords.record(id, state);
  }

  private async withPassword(user: DirectoryUser): Promise<DirectoryUser> {
    return withState(user, (await this.passwords.current([user.id])).get(user.id));
  }

  private lockKey(id: string): string {
    return `${this.db.databaseName}/${COLLECTIONS.users}/${id}`;
  }
}
