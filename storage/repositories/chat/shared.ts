import type { Db, Document } from 'mongodb';
import type { z } from 'zod';
import { parseStored } from '../../errors.js';

/** Helpers the chat repositories share: lock keys and reading documents whose _id is the record's id. */

export function lockKey(db: Db, collection: string, id: string): string {
  return `${db.databaseName}/${collection}/${id}`;
}

/** Parses a stored document with `schema`, after moving its _id to `idField` (when given). */
export function fromDocument<Schema extends z.ZodType>(
  schema: Schema,
  collection: string,
  document: Document,
  idField?: string,
): z.output<Schema> {
  const id: unknown = document['_id'];
  const fields: Record<string, unknown> = { ...document };
  delete fields['_id'];
  const record = idField === undefined ? fields : { ...fields, [idField]: id };
  return parseStored(schema, collection, String(id), record);
}
