import type { z } from 'zod';
import { badRequest } from '../tenant/failure.js';

/**
 * Opaque $skiptoken / $deltatoken values: base64url JSON of the page state. Clients must use nextLink and
 * deltaLink verbatim (graph-behaviour §2); a token that does not decode into the expected state is refused.
 */
export function encodePageToken(state: unknown): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

export function decodePageToken<T>(token: string, schema: z.ZodType<T>): T {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = schema.safeParse(decoded);
  // [unconfirmed] Graph's text for a damaged token
  if (!parsed.success) throw badRequest('The specified page token is invalid.');
  return parsed.data;
}
