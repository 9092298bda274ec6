import type { z } from 'zod';
import { InvalidInputError } from '../../commands/errors.js';
import type { Clock } from '../../commands/engine/ports.js';

export interface RepositoryOptions {
  /** Time source for createdAt / updatedAt / audit `at`; the system clock unless a test controls time. */
  clock?: Clock;
}

export const systemClock: Clock = { now: () => new Date() };

/** Bulk lookups with $in are split so no single query carries an unbounded list. */
export const IN_QUERY_CHUNK = 1000;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Drops keys whose value is undefined (the driver would store them as null). */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

/** zod problems as "path: message" (field paths and rules only: never the input's values). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : 'value'}: ${issue.message}`)
    .join('; ');
}

/** Parses caller input at the repository boundary; refuses it with InvalidInputError naming `what`. */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  what: string,
): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InvalidInputError(`${what} is invalid: ${describeIssues(parsed.error)}.`);
  return parsed.data;
}

/** Orders the records this process writes within one millisecond. */
let lastSequence = 0;

/**
 * Where an append-only record goes in write order: the wall clock (not an injected test clock, which may stand
 * still; the order must hold across a restart too) and a per-process sequence for records of the same ms.
 */
export function writeOrder(): { at: Date; seq: number } {
  lastSequence = (lastSequence + 1) % Number.MAX_SAFE_INTEGER;
  return { at: new Date(), seq: lastSequence };
}
