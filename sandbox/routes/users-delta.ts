import { z } from 'zod';
import type { GraphResponse } from '../graph-types.js';
import { decodePageToken, encodePageToken } from '../odata/page-token.js';
import { parseSelect } from '../odata/query-options.js';
import type { UserProperty } from '../odata/user-properties.js';
import { unsupportedQuery } from '../tenant/failure.js';
import type { RouteContext } from './context.js';
import { jsonResponse } from './context.js';
import { REQUIREMENTS, requirePermission } from './permissions.js';
import { projectUser, usersContext } from './projection.js';

const DEFAULT_DELTA_PAGE = 100;

/**
 * /users/delta (graph-behaviour §8). A round is a range of the tenant's change log: the initial round lists
 * every active user (id order, keyset paging) and ends with a deltaLink holding the log position taken when it
 * started; a later round reports each user written after that position once — the current object, or
 * `@removed` {reason: 'changed'} (soft-deleted, restorable) / {reason: 'deleted'} (purged). Writes during a
 * round land in the next one, so a client may see a user twice but never misses a change, as Graph documents.
 * Items always carry `id`, whatever $select says. Not modelled: `Prefer: return=minimal`, $filter on ids, the ~7-day token expiry.
 */
const skipStateSchema = z.object({
  v: z.literal(1),
  select: z.string().nullable(),
  afterId: z.string().nullable(),
  fromSeq: z.number().int().nullable(),
  toSeq: z.number().int(),
});
type SkipState = z.infer<typeof skipStateSchema>;
const deltaStateSchema = z.object({ v: z.literal(1), select: z.string().nullable(), seq: z.number().int() });

export function usersDeltaRoute(context: RouteContext): GraphResponse {
  requirePermission(context.roles, REQUIREMENTS.readUsers);
  const state = readState(context);
  const select = parseSelect(state.select, true);
  const pageSize = preferredPageSize(context.request.headers['prefer']);
  const { items, lastId } =
    state.fromSeq === null
      ? initialPage(context, state, select, pageSize)
      : changesPage(context, state, select, pageSize);
  const base = `${context.tenant.graphBase}v1.0/users/delta`;
  const body: Record<string, unknown> = {
    '@odata.context': usersContext(context.tenant.graphBase, select, false),
    value: items,
  };
  if (lastId !== null) {
    body['@odata.nextLink'] = `${base}?$skiptoken=${encodePageToken({ ...state, afterId: lastId })}`;
  } else {
    body['@odata.deltaLink'] =
      `${base}?$deltatoken=${encodePageToken({ v: 1, select: state.select, seq: state.toSeq })}`;
  }
  return jsonResponse(200, body);
}

function readState(context: RouteContext): SkipState {
  const { query } = context.request;
  const latest = context.tenant.store.changes.latest;
  const skipToken = query.get('$skiptoken');
  if (skipToken !== null) return decodePageToken(skipToken, skipStateSchema);
  const deltaToken = query.get('$deltatoken');
  if (deltaToken === 'latest') {
    // An empty round that only yields a deltaLink at the current position.
    return { v: 1, select: query.get('$select'), afterId: null, fromSeq: latest, toSeq: latest };
  }
  if (deltaToken !== null) {
    const delta = decodePageToken(deltaToken, deltaStateSchema);
    return { v: 1, select: delta.select, afterId: null, fromSeq: delta.seq, toSeq: latest };
  }
  if (query.has('$filter')) throw unsupportedQuery('The sandbox supports no $filter on /users/delta.');
  const select = query.get('$select');
  parseSelect(select, true);
  return { v: 1, select, afterId: null, fromSeq: null, toSeq: latest };
}

interface DeltaPage {
  items: Record<string, unknown>[];
  /** Last id served when another page follows; null on the round's final page. */
  lastId: string | null;
}

function initialPage(
  context: RouteContext,
  state: SkipState,
  select: UserProperty[] | null,
  size: number,
): DeltaPage {
  const items: Record<string, unknown>[] = [];
  let lastId: string | null = null;
  for (const user of context.tenant.store.activeUsersAfter(state.afterId ?? undefined)) {
    if (items.length === size) return { items, lastId };
    items.push({ ...projectUser(user, select), id: user.id });
    lastId = user.id;
  }
  return { items, lastId: null };
}

function changesPage(
  context: RouteContext,
  state: SkipState,
  select: UserProperty[] | null,
  size: number,
): DeltaPage {
  const { store } = context.tenant;
  const changed = [...store.changes.changedBetween(state.fromSeq ?? 0, state.toSeq)].sort();
  const afterId = state.afterId;
  const pending = afterId === null ? changed : changed.filter((id) => id > afterId);
  const items = pending.slice(0, size).map((id) => {
    const user = store.activeUser(id);
    if (user) return { ...projectUser(user, select), id };
    return { id, '@removed': { reason: store.userState(id) === 'deleted' ? 'changed' : 'deleted' } };
  });
  return { items, lastId: pending.length > size ? (pending[size - 1] ?? null) : null };
}

/** `Prefer: odata.maxpagesize=N` sets the delta page size (1–999). */
function preferredPageSize(prefer: string | undefined): number {
  const requested = Number(/odata\.maxpagesize=(\d+)/i.exec(prefer ?? '')?.[1]);
  return Number.isInteger(requested) && requested >= 1 ? Math.min(requested, 999) : DEFAULT_DELTA_PAGE;
}
