import { ResponseType } from '@microsoft/microsoft-graph-client';
import type { Client } from '@microsoft/microsoft-graph-client';
import { lowerCaseHeaders, requestIdOf } from './errors.js';

/**
 * One HTTP exchange with Graph through graph-client, with no retries (the gateway's client is built with
 * `retry: false`; retrying and pacing are the request path's job, so nothing is retried twice). Responses are
 * taken raw (ResponseType.RAW), so every status, header and body reaches the caller, success or not.
 */
export type GraphMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface WireRequest {
  method: GraphMethod;
  /** Relative to the version root, query already encoded: '/users/abc?$select=id'. */
  path: string;
  headers?: Readonly<Record<string, string>>;
  body?: unknown;
}

export type WireOutcome =
  | {
      kind: 'response';
      status: number;
      /** Lower-case names. */
      headers: Record<string, string>;
      body: unknown;
      requestIds: string[];
    }
  /** No (complete) response: connection refused or reset, body cut off. The request may have been applied. */
  | { kind: 'no-response'; cause: unknown; requestIds: string[] }
  /** A response that does not have the documented shape (e.g. a $batch envelope without `responses`). */
  | { kind: 'unreadable'; problem: string; requestIds: string[] };

/** Caps the HTTP requests in flight; the pacer decides the rate, this only bounds the sockets. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }
}

export class Transport {
  private readonly slots: Semaphore;

  constructor(
    private readonly client: Client,
    maxConcurrentRequests: number,
  ) {
    this.slots = new Semaphore(maxConcurrentRequests);
  }

  send(request: WireRequest, token: string): Promise<WireOutcome> {
    return this.slots.run(() => this.exchange(request, token));
  }

  /**
   * Runs `task` once a request slot is free, holding that slot; `task` decides only then what to send (one
   * exchange at most). The batcher fills its envelope at that moment, so requests that arrive while every
   * slot is busy travel together instead of queueing as many small envelopes.
   */
  whenFree<T>(
    task: (exchange: (request: WireRequest, token: string) => Promise<WireOutcome>) => Promise<T>,
  ): Promise<T> {
    return this.slots.run(() => task((request, token) => this.exchange(request, token)));
  }

  private async exchange(request: WireRequest, token: string): Promise<WireOutcome> {
    let response: Response;
    try {
      response = await this.start(request, token);
    } catch (error) {
      return { kind: 'no-response', cause: error, requestIds: [] };
    }
    const headers = lowerCaseHeaders(response.headers);
    const headerId = headers['request-id'];
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // Headers arrived, then the connection died: Graph may have acted on the request.
      return { kind: 'no-response', cause: error, requestIds: headerId ? [headerId] : [] };
    }
    const body = parseBody(text, headers['content-type']);
    const requestId = requestIdOf(headers, body);
    return {
      kind: 'response',
      status: response.status,
      headers,
      body,
      requestIds: requestId ? [requestId] : [],
    };
  }

  private async start(request: WireRequest, token: string): Promise<Response> {
    const builder = this.client
      .api(request.path)
      .headers({ ...request.headers, Authorization: `Bearer ${token}` })
      .responseType(ResponseType.RAW);
    let raw: unknown;
    switch (request.method) {
      case 'GET':
        raw = await builder.get();
        break;
      case 'POST':
        raw = await builder.post(request.body);
        break;
      case 'PATCH':
        raw = await builder.patch(request.body);
        break;
      case 'PUT':
        raw = await builder.put(request.body);
        break;
      case 'DELETE':
        raw = await builder.delete();
        break;
    }
    if (!(raw instanceof Response)) throw new TypeError('graph-client returned no raw Response');
    return raw;
  }
}

/** JSON when it parses (Graph labels JSON with odata parameters), text otherwise (e.g. /users/$count). */
function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType?.includes('json') ?? text.startsWith('{')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
