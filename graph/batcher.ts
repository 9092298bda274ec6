import { z } from 'zod';
import { lowerCaseHeaders, requestIdOf } from './errors.js';
import type { Transport, WireOutcome, WireRequest } from './transport.js';

/**
 * Auto-batching (graph-behaviour §6): requests submitted within `windowMs` of each other (or in the same tick)
 * travel together in `POST /$batch` envelopes of at most 20 items; a request that finds nobody to travel with
 * is sent on its own. Each item's own response settles its own caller, so one throttled or failed item never
 * affects the others. An envelope that fails as a whole (429, 503, 504, 401, connection lost) hands that same
 * outcome to every item in it, and each item's caller retries on its own terms — they wake up together after
 * the pacer's pause and are batched together again. Retrying is not done here (see request-path.ts).
 *
 * Items of one envelope share its bearer token, so requests are grouped per token.
 */
export const MAX_BATCH_ITEMS = 20;

export interface BatcherOptions {
  /** How long the first request of a batch waits for company, in real milliseconds (0 = same tick). */
  windowMs: number;
  maxItems: number;
}

interface Pending {
  request: WireRequest;
  settle: (outcome: WireOutcome) => void;
}

interface Group {
  items: Pending[];
  /** Cancels the pending flush timer, if any. */
  cancel: (() => void) | null;
}

const batchResponseSchema = z.object({
  responses: z.array(
    z.object({
      id: z.string(),
      status: z.number().int(),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
    }),
  ),
});

export class Batcher {
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly transport: Transport,
    private readonly options: BatcherOptions,
  ) {}

  submit(request: WireRequest, token: string): Promise<WireOutcome> {
    return new Promise((settle) => {
      let group = this.groups.get(token);
      if (!group) {
        group = { items: [], cancel: null };
        this.groups.set(token, group);
      }
      group.items.push({ request, settle });
      if (group.items.length >= this.options.maxItems) {
        this.flush(token);
      } else if (!group.cancel) {
        group.cancel = this.schedule(() => {
          this.flush(token);
        });
      }
    });
  }

  private schedule(flush: () => void): () => void {
    if (this.options.windowMs <= 0) {
      const immediate = setImmediate(flush);
      return () => {
        clearImmediate(immediate);
      };
    }
    const timer = setTimeout(flush, this.options.windowMs);
    return () => {
      clearTimeout(timer);
    };
  }

  private flush(token: string): void {
    const group = this.groups.get(token);
    if (!group) return;
    this.groups.delete(token);
    group.cancel?.();
    for (let start = 0; start < group.items.length; start += this.options.maxItems) {
      const chunk = group.items.slice(start, start + this.options.maxItems);
      // send() settles every item itself; should it fail unexpectedly, nobody may be left waiting.
      this.send(chunk, token).catch((cause: unknown) => {
        for (const item of chunk) item.settle({ kind: 'no-response', cause, requestIds: [] });
      });
    }
  }

  private async send(items: Pending[], token: string): Promise<void> {
    const [only] = items;
    if (items.length === 1 && only) {
      only.settle(await this.transport.send(only.request, token));
      return;
    }
    const envelope = {
      requests: items.map((item, index) => batchItem(String(index + 1), item.request)),
    };
    const outcome = await this.transport.send({ method: 'POST', path: '/$batch', body: envelope }, token);
    const outcomes = splitEnvelope(outcome, items.length);
    items.forEach((item, index) => {
      item.settle(outcomes[index] ?? missingItem(outcome.requestIds));
    });
  }
}

function batchItem(id: string, request: WireRequest): Record<string, unknown> {
  const headers: Record<string, string> = { ...request.headers };
  // json-batching: an item with a body needs its own Content-Type.
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  return {
    id,
    method: request.method,
    url: request.path,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(request.body !== undefined ? { body: request.body } : {}),
  };
}

/** The envelope's outcome → one outcome per item, in submission order (ids are '1'…'n'). */
function splitEnvelope(outcome: WireOutcome, count: number): WireOutcome[] {
  if (outcome.kind !== 'response' || outcome.status !== 200)
    return Array.from({ length: count }, () => outcome);
  const parsed = batchResponseSchema.safeParse(outcome.body);
  if (!parsed.success) {
    const problem = `the $batch response has no valid "responses" (${parsed.error.issues[0]?.path.join('.') ?? ''})`;
    return Array.from({ length: count }, () => ({
      kind: 'unreadable',
      problem,
      requestIds: outcome.requestIds,
    }));
  }
  const results: WireOutcome[] = [];
  for (const item of parsed.data.responses) {
    const index = Number(item.id) - 1;
    if (!Number.isInteger(index) || index < 0 || index >= count) continue;
    const headers = lowerCaseHeaders(item.headers);
    const itemId = requestIdOf(headers, item.body);
    results[index] = {
      kind: 'response',
      status: item.status,
      headers,
      body: item.body,
      requestIds: itemId ? [...outcome.requestIds, itemId] : [...outcome.requestIds],
    };
  }
  return results;
}

/** An item the envelope's response does not mention: it may or may not have run. */
function missingItem(requestIds: string[]): WireOutcome {
  return {
    kind: 'no-response',
    cause: new Error('the $batch response did not include this item'),
    requestIds,
  };
}
