import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxClock } from '../clock.js';
import { graphError } from '../errors.js';
import type { GraphResponse } from '../graph-types.js';
import { MESSAGES } from '../tenant/messages.js';
import type { IdentityEndpoint } from '../token/endpoint.js';
import { INSPECTION_PREFIX, handleInspection } from './inspection-http.js';
import type { SandboxControls } from './inspection-http.js';
import type { GraphPipeline } from './pipeline.js';

/** Request bodies above this are refused (Graph's own limit for JSON payloads is 4 MB). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface HandlerParts {
  clock: SandboxClock;
  identity: IdentityEndpoint;
  pipeline: GraphPipeline;
  /** null unless options.exposeInspection. */
  controls: SandboxControls | null;
}

/** node:http → identity endpoint, inspection, or the Graph pipeline; writes the GraphResponse back. */
export function createRequestHandler(
  parts: HandlerParts,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(parts, req, res).catch((error: unknown) => {
      const response = graphError({
        status: 500,
        code: 'InternalServerError',
        message: error instanceof Error ? `Sandbox failure: ${error.message}` : 'Sandbox failure.',
        now: parts.clock.now(),
      });
      if (!res.headersSent) write(res, response);
      else res.destroy();
    });
  };
}

async function handle(parts: HandlerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = (req.method ?? 'GET').toUpperCase();
  const headers = flattenHeaders(req);
  const rawBody = await readBody(req);
  if (rawBody === null) {
    write(res, plainError(parts, 413, 'RequestEntityTooLarge', 'The request payload is too large.', headers));
    return;
  }

  const identityResponse = await parts.identity.handle({ method, pathname: url.pathname, headers, rawBody });
  if (identityResponse) {
    write(res, identityResponse);
    return;
  }
  if (url.pathname.startsWith(INSPECTION_PREFIX) && parts.controls) {
    write(res, handleInspection(parts.controls, method, url.pathname, parseJson(rawBody)));
    return;
  }
  if (!/^\/(v1\.0|beta)(\/|$)/i.test(url.pathname)) {
    write(res, { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' });
    return;
  }
  const body = rawBody.length === 0 ? undefined : parseJson(rawBody);
  if (body === INVALID_JSON) {
    write(res, plainError(parts, 400, 'BadRequest', MESSAGES.unreadableBody, headers));
    return;
  }
  const { response, reset } = await parts.pipeline.handle({
    method,
    path: url.pathname,
    query: url.searchParams,
    headers,
    body,
  });
  if (reset) {
    // Injected connection reset: the client sees the status line and headers, then the connection dies.
    res.writeHead(response.status, response.headers);
    res.flushHeaders();
    res.socket?.destroy();
    return;
  }
  write(res, response);
}

const INVALID_JSON = Symbol('invalid JSON');

function parseJson(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return INVALID_JSON;
  }
}

function plainError(
  parts: HandlerParts,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string>,
): GraphResponse {
  const requestId = randomUUID();
  return graphError({
    status,
    code,
    message,
    now: parts.clock.now(),
    requestId,
    clientRequestId: headers['client-request-id'] ?? requestId,
  });
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The body as text, or null when it exceeds MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function write(res: ServerResponse, response: GraphResponse): void {
  const { body } = response;
  const payload = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}
