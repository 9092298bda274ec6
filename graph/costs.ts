/**
 * The published identity-and-access request costs (graph-behaviour §7; Microsoft's "identity and access service
 * limits"), so the pacer spends the same budget Graph charges: 1 resource unit for unlisted paths, GET /users
 * (and delta) 2, GET /subscribedSkus 3, POST /directoryObjects/getByIds 5; `$select` −1, `$expand` +1,
 * `$top` below 20 −1, never below 1. POST, PATCH, PUT and DELETE also count as one write. The $batch envelope
 * costs nothing: its items are charged one by one.
 */
export interface RequestCost {
  resourceUnits: number;
  write: boolean;
}

const LISTED_BASE_COSTS: ReadonlyMap<string, number> = new Map([
  ['GET /users', 2],
  ['GET /users/delta', 2],
  ['GET /subscribedskus', 3],
  ['POST /directoryobjects/getbyids', 5],
]);

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** `path` is relative to the version root and may carry a query: '/users?$select=id&$top=999'. */
export function requestCost(method: string, path: string): RequestCost {
  const upper = method.toUpperCase();
  const queryStart = path.indexOf('?');
  const pathname = (queryStart < 0 ? path : path.slice(0, queryStart)).replace(/\/+$/, '').toLowerCase();
  if (pathname === '/$batch') return { resourceUnits: 0, write: false };
  const query = new URLSearchParams(queryStart < 0 ? '' : path.slice(queryStart + 1));
  let units = LISTED_BASE_COSTS.get(`${upper} ${pathname}`) ?? 1;
  if (query.has('$select')) units -= 1;
  if (query.has('$expand')) units += 1;
  const top = query.get('$top');
  if (top !== null && /^\d+$/.test(top) && Number(top) < 20) units -= 1;
  return { resourceUnits: Math.max(1, units), write: WRITE_METHODS.has(upper) };
}
