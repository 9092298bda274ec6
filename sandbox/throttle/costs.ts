import type { GraphRequest } from '../graph-types.js';

/**
 * Published identity-and-access request costs (graph-behaviour §7; Microsoft's "identity and access service
 * limits"). Cost is a property of the request's shape, not of how many objects it returns.
 */
export interface RequestCost {
  /** Resource units charged against the app+tenant RU bucket (also sent back as `x-ms-resource-unit`). */
  resourceUnits: number;
  /** Whether the request also counts against the write quotas (POST, PATCH, PUT, DELETE). */
  write: boolean;
}

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const VERSION_PREFIX = /^\/v1\.0(?=\/|$)/i;

/** Base costs of the identity paths that are not 1 RU. Keys: method + ' ' + lower-case path without version. */
const LISTED_BASE_COSTS: ReadonlyMap<string, number> = new Map([
  ['GET /users', 2],
  ['GET /users/delta', 2],
  // The OData function-call spelling of delta, which Graph accepts too.
  ['GET /users/delta()', 2],
  ['GET /subscribedskus', 3],
  ['POST /directoryobjects/getbyids', 5],
]);

/** The `$batch` envelope: its items are metered one by one, so the envelope itself costs nothing. */
export function isBatchEnvelope(path: string): boolean {
  return normalisePath(path) === '/$batch';
}

export function requestCost(req: Pick<GraphRequest, 'method' | 'path' | 'query'>): RequestCost {
  const method = req.method.toUpperCase();
  if (isBatchEnvelope(req.path)) return { resourceUnits: 0, write: false };
  let units = LISTED_BASE_COSTS.get(`${method} ${normalisePath(req.path)}`) ?? 1;
  if (req.query.has('$select')) units -= 1;
  if (req.query.has('$expand')) units += 1;
  const top = req.query.get('$top');
  if (top !== null && /^\d+$/.test(top.trim()) && Number(top) < 20) units -= 1;
  return { resourceUnits: Math.max(1, units), write: WRITE_METHODS.has(method) };
}

/** '/v1.0/Users/' → '/users'. Graph paths are case-insensitive; a trailing slash does not change the resource. */
function normalisePath(path: string): string {
  const withoutVersion = path.replace(VERSION_PREFIX, '');
  const trimmed = withoutVersion.length > 1 ? withoutVersion.replace(/\/+$/, '') : withoutVersion;
  return (trimmed === '' ? '/' : trimmed).toLowerCase();
}
