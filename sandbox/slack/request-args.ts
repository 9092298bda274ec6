import type { IncomingMessage } from 'node:http';
import { SlackError } from './blocks.js';
import type { Args } from './chat-methods.js';

/**
 * Web API arguments as Slack reads them: query string, plus a form-encoded or JSON body. WebClient sends forms
 * with nested values (blocks, files) as JSON strings. Multipart bodies (the retired files.upload) are refused.
 */
export function parseArgs(req: IncomingMessage, raw: Buffer): Args {
  const query = Object.fromEntries(new URL(req.url ?? '/', 'http://slack').searchParams);
  if (raw.length === 0) return query;
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (contentType === 'application/x-www-form-urlencoded')
    return { ...query, ...Object.fromEntries(new URLSearchParams(raw.toString('utf8'))) };
  if (contentType === 'application/json') {
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8')) as unknown;
    } catch {
      throw new SlackError('invalid_json');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new SlackError('invalid_json');
    return { ...query, ...(body as Args) };
  }
  throw new SlackError('invalid_form_data');
}

/** The bearer token from the header, else the `token` argument (still accepted for form posts). */
export function tokenOf(req: IncomingMessage, args: Args): string | undefined {
  const header = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (header?.[1]) return header[1];
  return typeof args.token === 'string' && args.token !== '' ? args.token : undefined;
}
