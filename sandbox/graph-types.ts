/**
 * The sandbox's internal request/response shape. The HTTP layer turns each HTTP request (and each item of a
 * $batch) into a GraphRequest, runs it through the same pipeline (auth → throttling → faults → route) and
 * writes the GraphResponse back, so batch items are metered and validated exactly like top-level requests.
 */
export interface GraphRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** Path from the version root, with the version: '/v1.0/users/abc'. Percent-decoded per segment by the router. */
  path: string;
  query: URLSearchParams;
  /** Header names lower-case. */
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  /** Set for items of a $batch: the item id. */
  batchItemId?: string;
}

export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON-serialisable body; undefined for empty bodies (204, 202). */
  body?: unknown;
}
