import { z } from 'zod';
import { lowerCaseHeaders, requestIdOf } from './errors.js';
import type { Transport, WireOutcome, WireRequest } from './transport.js';

/**
 * Auto-batching (graph-behaviour §6): requests travel together in `POST /$batch` envelopes of at most 20 items;
 * a request that finds nobody to travel with is sent on its own. An envelope is filled when a transport slot
 * is free to carry it, not when its first request arrived: while every slot is busy, the requests that come
 * in wait together and leave as one envelope (a fixed-time flush would queue many small envelopes behind the
 * busy slots and cap the throughput at slots ÷ round trip, whatever the concurrency). With slots free, the
 * first request waits `windowMs` for company.
 *
 * Each item's own response settles its own caller, so one throttled or failed item never affects the others.
 * An envelope that fails as a whole (429, 503, 504, 401, connection lost) hands that same outcome to every
 * item in it, and each item's caller retries on its own terms — they wake up together after the pacer's pause
 * and are batched together again. Retrying is not done here (see request-path.ts).
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

/** The requests of one token waiting for an envelope, and the envelopes on their way to a slot. */
interface Queue {
  items: Pending[];
  /** Envelopes waiting for a slot; each takes up to maxItems items when it gets one. */
  carriers: number;
}

type Exchange = (request: WireRequest, token: string) => Promise<WireOutcome>;

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
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly transport: Transport,
    private readonly options: BatcherOptions,
  ) {}

  submit(request: WireRequest, token: string): Promise<WireOutcome> {
    return new Promise((settle) => {
      const queue = this.queueOf(token);
      queue.items.push({ request, settle });
      this.provideCarriers(token, queue);
    });
  }

  private queueOf(token: string): Queue {
    let queue = this.queues.get(token);
    if (!queue) {
      queue = { items: [], carriers: 0 };
      this.queues.set(token, queue);
    }
    return queue;
  }

  /** Enough envelopes on their way for every waiting item. */
  private provideCarriers(token: string, queue: Queue): void {
    while (queue.items.length > queue.carriers * this.options.maxItems) {
      queue.carriers += 1;
      this.afterWindow(() => {
        this.carry(token, queue).catch((cause: unknown) => {
          // carry() settles its items itself; this is only reached if that failed unexpectedly.
          for (const item of queue.items.splice(0))
            item.settle({ kind: 'no-response', cause, requestIds: [] });
        });
      });
    }
  }

  private afterWindow(then: () => void): void {
    if (this.options.windowMs <= 0) setImmediate(then);
    else setTimeout(then, this.options.windowMs);
  }

  /** One envelope: waits for a slot, then takes what is waiting by then (up to maxItems) and sends it. */
  private carry(token: string, queue: Queue): Promise<void> {
    return this.transport.whenFree(async (exchange) => {
      queue.carriers -= 1;
      const chunk = queue.items.splice(0, this.options.maxItems);
      if (queue.items.length === 0 && queue.carriers === 0) this.queues.delete(token);
      else this.provideCarriers(token, queue);
      if (chunk.length === 0) return;
      try {
        await this.send(chunk, token, exchange);
      } catch (cause) {
        for (const item of chunk) item.settle({ kind: 'no-response', cause, requestIds: [] });
      }
    });
  }

  private async send(items: Pending[], token: string, exchange: Exchange): Promise<void> {
    const [only] = items;
    if (items.length === 1 && only) {
      only.settle(await exchange(only.request, token));
      return;
    }
    const envelope = {
      requests: items.map((item, index) => batchItem(String(index + 1), item.request)),
    };
    const outcome = await exchange({ method: 'POST', path: '/$batch', body: envelope }, token);
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
