import { z } from 'zod';
import { graphError } from './errors.js';
import type { GraphRequest, GraphResponse } from './graph-types.js';

/**
 * JSON batching, `POST /v1.0/$batch` (graph-behaviour §6). The envelope is validated here; every item is
 * handed to `dispatch`, which runs it through the same pipeline as a top-level request (auth, faults,
 * throttling, route), so items are authenticated and metered one by one.
 *
 * Error texts for a refused envelope are not published by Microsoft; the ones below are plausible
 * Graph-style texts [unconfirmed] and tests only rely on the status and the `BadRequest` code.
 */
export const MAX_BATCH_ITEMS = 20;

const BATCH_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

const batchItemSchema = z.object({
  // Graph requires a string id; numbers are refused like any other malformed payload.
  id: z.string().min(1),
  method: z.string().min(1),
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
  dependsOn: z.array(z.string().min(1)).optional(),
});
// An empty batch is refused with 400 by Graph [community].
const batchPayloadSchema = z.object({ requests: z.array(batchItemSchema).min(1) });

type BatchItem = z.infer<typeof batchItemSchema>;

export interface BatchItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export interface RunBatchOptions {
  /** request-id of the envelope, used if the envelope itself is refused. */
  requestId?: string;
}

export async function runBatch(
  outer: GraphRequest,
  dispatch: (item: GraphRequest) => Promise<GraphResponse>,
  now: number,
  options: RunBatchOptions = {},
): Promise<GraphResponse> {
  const validated = validatePayload(outer.body);
  if (typeof validated === 'string') {
    return graphError({
      status: 400,
      code: 'BadRequest',
      message: validated,
      now,
      requestId: options.requestId,
      clientRequestId: outer.headers['client-request-id'],
    });
  }
  const context: ItemContext = { outer, dispatch, now };
  const responses: BatchItemResponse[] = [];
  // Responses are listed in completion order: Graph does not promise request order, so neither do we.
  await runWithDependencies(validated, context, (response) => responses.push(response));
  return { status: 200, headers: { 'content-type': 'application/json' }, body: { responses } };
}

/** The payload's items, or the reason the whole batch is refused with 400. */
function validatePayload(body: unknown): BatchItem[] | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.';
  }
  const parsed = batchPayloadSchema.safeParse(body);
  if (!parsed.success) return 'Invalid batch payload format.';
  const items = parsed.data.requests;
  if (items.length > MAX_BATCH_ITEMS) {
    return `The number of requests in the batch (${items.length}) exceeds the maximum of ${MAX_BATCH_ITEMS}.`;
  }
  const ids = new Set<string>();
  for (const item of items) {
    // Ids are not case-sensitive (json-batching): 'A' and 'a' collide.
    const key = item.id.toLowerCase();
    if (ids.has(key)) return `Batch request contains a duplicate request id '${item.id}'.`;
    ids.add(key);
    if (!BATCH_METHODS.has(item.method.toUpperCase())) {
      return `Request '${item.id}' has an unsupported method '${item.method}'.`;
    }
  }
  for (const item of items) {
    const unknown = (item.dependsOn ?? []).find((dependency) => !ids.has(dependency.toLowerCase()));
    if (unknown !== undefined) return `Request '${item.id}' depends on an unknown request id '${unknown}'.`;
  }
  const cycle = findDependencyCycle(items);
  if (cycle !== undefined) return `Request '${cycle}' has a circular dependency.`;
  return items;
}

/** The id of an item that (transitively) depends on itself, if any. */
function findDependencyCycle(items: readonly BatchItem[]): string | undefined {
  const byId = new Map(items.map((item) => [item.id.toLowerCase(), item]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (key: string): string | undefined => {
    const seen = state.get(key);
    if (seen === 'done') return undefined;
    if (seen === 'visiting') return byId.get(key)?.id ?? key;
    state.set(key, 'visiting');
    for (const dependency of byId.get(key)?.dependsOn ?? []) {
      const found = visit(dependency.toLowerCase());
      if (found !== undefined) return found;
    }
    state.set(key, 'done');
    return undefined;
  };
  for (const key of byId.keys()) {
    const found = visit(key);
    if (found !== undefined) return found;
  }
  return undefined;
}

interface ItemContext {
  outer: GraphRequest;
  dispatch: (item: GraphRequest) => Promise<GraphResponse>;
  now: number;
}

/**
 * Starts every item at once except those with `dependsOn`, which wait for their dependencies; an item whose
 * dependency failed (status >= 400, including a 424 further up the chain) gets 424 without being dispatched.
 * Dependencies are known to exist and to be acyclic (validatePayload).
 */
async function runWithDependencies(
  items: readonly BatchItem[],
  context: ItemContext,
  onDone: (response: BatchItemResponse) => void,
): Promise<void> {
  const byId = new Map(items.map((item) => [item.id.toLowerCase(), item]));
  const started = new Map<string, Promise<BatchItemResponse>>();
  const start = (item: BatchItem): Promise<BatchItemResponse> => {
    const key = item.id.toLowerCase();
    const existing = started.get(key);
    if (existing) return existing;
    const dependencies = (item.dependsOn ?? []).flatMap((id) => {
      const dependency = byId.get(id.toLowerCase());
      return dependency ? [start(dependency)] : [];
    });
    const result = Promise.all(dependencies).then((settled) =>
      settled.some((response) => response.status >= 400)
        ? failedDependency(item, context)
        : executeItem(item, context),
    );
    started.set(key, result);
    return result;
  };
  await Promise.all(items.map((item) => start(item).then(onDone)));
}

async function executeItem(item: BatchItem, context: ItemContext): Promise<BatchItemResponse> {
  const headers = itemHeaders(item, context.outer);
  const target = resolveItemUrl(item.url);
  if (typeof target === 'string') return itemError(item, headers, context.now, 400, 'BadRequest', target);
  if (item.body !== undefined && headers['content-type'] === undefined) {
    // json-batching: "When a body is included with the request, the headers object must contain a value for
    // Content-Type." The item (not the batch) fails; the text is [unconfirmed].
    return itemError(
      item,
      headers,
      context.now,
      400,
      'BadRequest',
      'Content-Type header must be specified when the request has a body.',
    );
  }
  const response = await context.dispatch({
    method: item.method.toUpperCase(),
    path: target.path,
    query: target.query,
    headers,
    body: item.body,
    batchItemId: item.id,
  });
  return toItemResponse(item.id, response);
}

function failedDependency(item: BatchItem, context: ItemContext): BatchItemResponse {
  const headers = itemHeaders(item, context.outer);
  // Graph answers 424 Failed Dependency; the body's code and text are [unconfirmed].
  return itemError(
    item,
    headers,
    context.now,
    424,
    'FailedDependency',
    'The request was not run because a request it depends on failed.',
  );
}

/**
 * Item headers, lower-cased, plus what items inherit from the envelope: its Authorization (items are
 * authenticated with the batch's token; an item cannot bring its own) and, unless the item names its own,
 * its client-request-id.
 */
function itemHeaders(item: BatchItem, outer: GraphRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(item.headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower !== 'authorization') headers[lower] = value;
  }
  const authorization = outer.headers['authorization'];
  if (authorization !== undefined) headers['authorization'] = authorization;
  const clientRequestId = outer.headers['client-request-id'];
  if (headers['client-request-id'] === undefined && clientRequestId !== undefined) {
    headers['client-request-id'] = clientRequestId;
  }
  return headers;
}

/**
 * Item urls are relative to the version root: '/users', 'users' and '/v1.0/users' (what the graph-client
 * sends) all mean '/v1.0/users'. Absolute urls and a nested $batch are refused for that item.
 */
function resolveItemUrl(url: string): { path: string; query: URLSearchParams } | string {
  if (/^[a-z][a-z\d+.-]*:/i.test(url) || url.startsWith('//')) {
    return `Invalid request URL '${url}': batch request URLs must be relative.`;
  }
  const relative = url
    .replace(/^\/+/, '')
    .replace(/^v1\.0(?=[/?]|$)/i, '')
    .replace(/^\/+/, '');
  // Parsed like a top-level request URL, so paths and queries are encoded the same way for the router.
  const parsed = new URL(`/v1.0/${relative}`, 'http://batch.invalid');
  if (/^\/v1\.0\/\$batch\/?$/i.test(parsed.pathname)) return 'Nested batch requests are not supported.';
  return { path: parsed.pathname, query: parsed.searchParams };
}

function itemError(
  item: BatchItem,
  headers: Record<string, string>,
  now: number,
  status: number,
  code: string,
  message: string,
): BatchItemResponse {
  const response = graphError({ status, code, message, now, clientRequestId: headers['client-request-id'] });
  return toItemResponse(item.id, response);
}

/** Graph writes these item header names in their usual capitalisation (json-batching sample). */
const CANONICAL_HEADER_NAMES: Readonly<Record<string, string>> = {
  'content-type': 'Content-Type',
  'cache-control': 'Cache-Control',
  'retry-after': 'Retry-After',
  location: 'Location',
  'odata-version': 'OData-Version',
  etag: 'ETag',
  'preference-applied': 'Preference-Applied',
};

/**
 * One entry of `responses`. request-id/client-request-id stay in the body's innerError but are not item
 * headers (as in Microsoft's sample); a 204 item has no `body` member at all.
 */
function toItemResponse(id: string, response: GraphResponse): BatchItemResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'request-id' || lower === 'client-request-id') continue;
    headers[CANONICAL_HEADER_NAMES[lower] ?? lower] = value;
  }
  const item: BatchItemResponse = { id, status: response.status, headers };
  if (response.body !== undefined) item.body = response.body;
  return item;
}
