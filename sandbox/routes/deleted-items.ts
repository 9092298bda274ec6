import { z } from 'zod';
import type { GraphResponse } from '../graph-types.js';
import type { SandboxUser } from '../model.js';
import { decodePageToken, encodePageToken } from '../odata/page-token.js';
import { parseSelect, parseTop } from '../odata/query-options.js';
import { DEFAULT_USER_PROPERTIES, USER_PROPERTIES } from '../odata/user-properties.js';
import type { UserProperty } from '../odata/user-properties.js';
import { badRequest, GraphFailure } from '../tenant/failure.js';
import { MESSAGES } from '../tenant/messages.js';
import { restoreUser } from '../tenant/user-lifecycle.js';
import type { RouteContext } from './context.js';
import { emptyResponse, jsonResponse } from './context.js';
import { REQUIREMENTS, requirePermission } from './permissions.js';
import { projectUser } from './projection.js';

const USER_CAST = 'microsoft.graph.user';
const pageStateSchema = z.object({
  v: z.literal(1),
  select: z.string().nullable(),
  top: z.number().int(),
  afterId: z.string(),
});

/** Deleted users show their deletion time next to the default properties. */
const DELETED_DEFAULT: readonly UserProperty[] = [
  ...DEFAULT_USER_PROPERTIES,
  USER_PROPERTIES.get('deleteddatetime') as UserProperty,
];

/** GET /directory/deletedItems/microsoft.graph.user — the cast is required (graph-behaviour §9). */
export function listDeletedUsersRoute(context: RouteContext): GraphResponse {
  requirePermission(context.roles, REQUIREMENTS.readUsers);
  const { query } = context.request;
  const token = query.get('$skiptoken');
  const state = token
    ? decodePageToken(token, pageStateSchema)
    : { v: 1 as const, select: query.get('$select'), top: parseTop(query.get('$top'), 100), afterId: '' };
  const select = parseSelect(state.select, true) ?? DELETED_DEFAULT;
  const remaining = context.tenant.store.deletedUsers().filter((user) => user.id > state.afterId);
  const page = remaining.slice(0, state.top);
  const { graphBase } = context.tenant;
  const body: Record<string, unknown> = {
    '@odata.context': `${graphBase}v1.0/$metadata#directoryObjects/${USER_CAST}`,
    value: page.map((user) => projectUser(user, select)),
  };
  const last = page[page.length - 1];
  if (remaining.length > state.top && last) {
    const next = encodePageToken({ ...state, afterId: last.id });
    body['@odata.nextLink'] = `${graphBase}v1.0/directory/deletedItems/${USER_CAST}?$skiptoken=${next}`;
  }
  return jsonResponse(200, body);
}

/** Without the type cast Graph refuses to list the mixed collection. [unconfirmed text] */
export function listDeletedItemsWithoutCastRoute(context: RouteContext): GraphResponse {
  requirePermission(context.roles, REQUIREMENTS.readUsers);
  throw badRequest(
    'A type cast is required to list deleted items, e.g. /directory/deletedItems/microsoft.graph.user.',
  );
}

export function getDeletedItemRoute(context: RouteContext): GraphResponse {
  requirePermission(context.roles, REQUIREMENTS.readUsers);
  const user = deletedTarget(context);
  const select = parseSelect(context.request.query.get('$select'), false) ?? DELETED_DEFAULT;
  return jsonResponse(200, entity(context, user, select));
}

export function restoreDeletedItemRoute(context: RouteContext): GraphResponse {
  requirePermission(context.roles, REQUIREMENTS.deleteRestore);
  const restored = restoreUser(context.tenant.writer, deletedTarget(context), context.request.body);
  return jsonResponse(200, entity(context, restored, DELETED_DEFAULT));
}

export function purgeDeletedItemRoute(context: RouteContext): GraphResponse {
  requirePermission(context.roles, REQUIREMENTS.deleteRestore);
  context.tenant.store.purge(deletedTarget(context).id);
  return emptyResponse(204);
}

function deletedTarget(context: RouteContext): SandboxUser {
  const key = context.segments[2] ?? '';
  const user = context.tenant.store.deletedUser(key);
  if (!user) throw new GraphFailure(404, 'Request_ResourceNotFound', MESSAGES.notFound(key));
  return user;
}

function entity(
  context: RouteContext,
  user: SandboxUser,
  select: readonly UserProperty[],
): Record<string, unknown> {
  return {
    '@odata.context': `${context.tenant.graphBase}v1.0/$metadata#directoryObjects/$entity`,
    '@odata.type': '#microsoft.graph.user',
    ...projectUser(user, select),
  };
}
