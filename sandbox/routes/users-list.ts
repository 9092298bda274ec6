import { z } from 'zod';
import type { GraphResponse } from '../graph-types.js';
import type { SandboxUser } from '../model.js';
import { decodePageToken, encodePageToken } from '../odata/page-token.js';
import {
  hasEventualConsistency,
  parseCount,
  parseOrderBy,
  parseSelect,
  parseTop,
} from '../odata/query-options.js';
import type { OrderBy } from '../odata/query-options.js';
import { filterIndexKeys } from '../odata/filter-index.js';
import type { IndexKeys } from '../odata/filter-index.js';
import { compileUserFilter } from '../odata/user-filter.js';
import type { UserPredicate } from '../odata/user-filter.js';
import { SEARCH_MESSAGES, compileUserSearch } from '../odata/user-search.js';
import { badRequest, GraphFailure, unsupportedQuery } from '../tenant/failure.js';
import type { RouteContext } from './context.js';
import { jsonResponse } from './context.js';
import { REQUIREMENTS, requirePermission } from './permissions.js';
import { projectUser, usersContext } from './projection.js';

const DEFAULT_PAGE_SIZE = 100;

/**
 * Paging is keyset paging on a stable, unique sort key: the active users' id (or, with $orderby, the pair
 * (sort value, id)). The $skiptoken carries the query and the last key served, and the next page starts just
 * after that key in the *current* directory. So a walk never repeats a user and never skips a user that
 * existed for the whole walk, however many users are created or deleted meanwhile; users created mid-walk
 * appear iff their key sorts after the cursor, deleted ones disappear. (An offset token would shift pages on
 * every write; a snapshot would need a copy per walk.) Graph itself makes the same promise only loosely.
 */
const pageStateSchema = z.object({
  v: z.literal(1),
  filter: z.string().nullable(),
  search: z.string().nullable(),
  select: z.string().nullable(),
  orderBy: z.string().nullable(),
  top: z.number().int().min(1).max(999),
  advanced: z.boolean(),
  afterId: z.string(),
  afterKey: z.union([z.string(), z.number(), z.null()]),
});
type PageState = z.infer<typeof pageStateSchema>;

interface ListQuery {
  state: Omit<PageState, 'afterId' | 'afterKey'>;
  predicate: UserPredicate | null;
  /** Index keys that bound the matches (address lookups), or null to scan in id order. */
  indexKeys: IndexKeys | null;
  orderBy: OrderBy | null;
  count: boolean;
  cursor: { id: string; key: string | number | null } | null;
}

export function listUsersRoute(context: RouteContext): GraphResponse {
  requirePermission(context.roles, REQUIREMENTS.readUsers);
  const query = readListQuery(context);
  const select = parseSelect(query.state.select, true);
  const page = query.orderBy ? sortedPage(context, query) : idOrderPage(context, query);
  const body: Record<string, unknown> = {
    '@odata.context': usersContext(context.tenant.graphBase, select, false),
  };
  if (query.count) body['@odata.count'] = page.total ?? countMatches(context, query);
  body['value'] = page.users.map((user) => projectUser(user, select));
  if (page.last) {
    const state: PageState = {
      ...query.state,
      afterId: page.last.id,
      afterKey: sortKey(page.last, query.orderBy),
    };
    body['@odata.nextLink'] = `${context.tenant.graphBase}v1.0/users?$skiptoken=${encodePageToken(state)}`;
  }
  return jsonResponse(200, body);
}

/** GET /users/$count: only with `ConsistencyLevel: eventual` (graph-behaviour §2); text/plain. */
export function countUsersRoute(context: RouteContext): GraphResponse {
  requirePermission(context.roles, REQUIREMENTS.readUsers);
  if (!hasEventualConsistency(context.request.headers))
    throw badRequest('$count is not currently supported.');
  const filter = context.request.query.get('$filter');
  const predicate = filter === null ? null : compileUserFilter(filter, true);
  const indexKeys = filter === null ? null : filterIndexKeys(filter);
  return {
    status: 200,
    headers: { 'content-type': 'text/plain;charset=utf-8' },
    body: String(countMatches(context, { predicate, indexKeys })),
  };
}

function readListQuery(context: RouteContext): ListQuery {
  const { query, headers } = context.request;
  const token = query.get('$skiptoken');
  if (token !== null) {
    const state = decodePageToken(token, pageStateSchema);
    return { ...compileQuery(state), count: false, cursor: { id: state.afterId, key: state.afterKey } };
  }
  if (query.has('$skip')) throw badRequest("'$skip' is not supported by the service."); // [unconfirmed] text
  if (query.has('$expand')) {
    // Navigation properties (manager, memberOf, …) are not modelled by the sandbox.
    throw new GraphFailure(501, 'NotImplemented', 'The sandbox does not support $expand.');
  }
  const eventual = hasEventualConsistency(headers);
  const search = query.get('$search');
  if (search !== null && !eventual) throw unsupportedQuery(SEARCH_MESSAGES.needsHeader);
  // `$count=true` without the header is silently ignored (graph-behaviour §2).
  const count = eventual && parseCount(query.get('$count'));
  const state = {
    v: 1 as const,
    filter: query.get('$filter'),
    search,
    select: query.get('$select'),
    orderBy: query.get('$orderby'),
    top: parseTop(query.get('$top'), DEFAULT_PAGE_SIZE),
    advanced: count,
  };
  parseSelect(state.select, true);
  return { ...compileQuery(state), count, cursor: null };
}

function compileQuery(state: ListQuery['state']): Omit<ListQuery, 'count' | 'cursor'> {
  const filter = state.filter === null ? null : compileUserFilter(state.filter, state.advanced);
  const search = state.search === null ? null : compileUserSearch(state.search);
  const predicate =
    filter && search ? (user: SandboxUser) => filter(user) && search(user) : (filter ?? search);
  const orderBy = parseOrderBy(state.orderBy, state.advanced, filter !== null || search !== null);
  const indexKeys = state.filter === null ? null : filterIndexKeys(state.filter);
  return { state, predicate, orderBy, indexKeys };
}

interface Page {
  users: SandboxUser[];
  /** The last user served, when more follow. */
  last: SandboxUser | null;
  total?: number;
}

function idOrderPage(context: RouteContext, query: ListQuery): Page {
  const users: SandboxUser[] = [];
  for (const user of candidates(context, query)) {
    if (query.predicate && !query.predicate(user)) continue;
    if (users.length === query.state.top) return { users, last: users[users.length - 1] ?? null };
    users.push(user);
  }
  return { users, last: null };
}

/** Users after the cursor in id order: the index owners for address lookups, otherwise every user. */
function candidates(
  context: RouteContext,
  query: Pick<ListQuery, 'indexKeys' | 'cursor'>,
): Iterable<SandboxUser> {
  const { store } = context.tenant;
  const afterId = query.cursor?.id;
  if (!query.indexKeys) return store.activeUsersAfter(afterId);
  const owners = store.ownersOf(query.indexKeys);
  return afterId === undefined ? owners : owners.filter((user) => user.id > afterId);
}

function sortedPage(context: RouteContext, query: ListQuery): Page {
  const orderBy = query.orderBy as OrderBy;
  const matching: SandboxUser[] = [];
  for (const user of candidates(context, { indexKeys: query.indexKeys, cursor: null }))
    if (!query.predicate || query.predicate(user)) matching.push(user);
  const compare = (a: SandboxUser, b: SandboxUser): number =>
    compareKeys(sortKey(a, orderBy), a.id, sortKey(b, orderBy), b.id) * (orderBy.descending ? -1 : 1);
  matching.sort(compare);
  const cursor = query.cursor;
  const start = cursor
    ? matching.findIndex(
        (user) =>
          compareKeys(sortKey(user, orderBy), user.id, cursor.key, cursor.id) *
            (orderBy.descending ? -1 : 1) >
          0,
      )
    : 0;
  const from = start < 0 ? matching.length : start;
  const users = matching.slice(from, from + query.state.top);
  const more = from + query.state.top < matching.length;
  return { users, last: more ? (users[users.length - 1] ?? null) : null, total: matching.length };
}

function sortKey(user: SandboxUser, orderBy: OrderBy | null): string | number | null {
  if (!orderBy) return null;
  const value = orderBy.property.read(user);
  if (typeof value !== 'string') return null;
  return orderBy.property.name === 'createdDateTime' ? Date.parse(value) : value.toLowerCase();
}

/** (key, id) order with nulls last; ids break ties so the order is total. */
function compareKeys(
  keyA: string | number | null,
  idA: string,
  keyB: string | number | null,
  idB: string,
): number {
  if (keyA !== keyB) {
    if (keyA === null) return 1;
    if (keyB === null) return -1;
    return keyA < keyB ? -1 : 1;
  }
  return idA < idB ? -1 : idA > idB ? 1 : 0;
}

function countMatches(context: RouteContext, query: Pick<ListQuery, 'predicate' | 'indexKeys'>): number {
  const { predicate } = query;
  if (!predicate) return context.tenant.store.userCount;
  let count = 0;
  for (const user of candidates(context, { indexKeys: query.indexKeys, cursor: null }))
    if (predicate(user)) count += 1;
  return count;
}
