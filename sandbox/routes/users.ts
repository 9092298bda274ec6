import type { GraphResponse } from '../graph-types.js';
import type { SandboxUser } from '../model.js';
import { parseSelect } from '../odata/query-options.js';
import { GraphFailure } from '../tenant/failure.js';
import { MESSAGES } from '../tenant/messages.js';
import { parseUserInput } from '../tenant/user-input.js';
import { createUser, updateUser } from '../tenant/user-writer.js';
import type { RouteContext } from './context.js';
import { emptyResponse, jsonResponse } from './context.js';
import { REQUIREMENTS, forbidden, isSatisfied, requirePermission } from './permissions.js';
import { projectUser, usersContext } from './projection.js';

/** The user named by segment 1 (`/users/{id or userPrincipalName}`), or Graph's 404 echoing the key. */
export function targetUser(context: RouteContext): SandboxUser {
  const key = context.segments[1] ?? '';
  const user = context.tenant.store.findUser(key);
  if (!user) throw new GraphFailure(404, 'Request_ResourceNotFound', MESSAGES.notFound(key));
  return user;
}

export function createUserRoute(context: RouteContext): GraphResponse {
  requirePermission(context.roles, REQUIREMENTS.writeUsers);
  const user = createUser(context.tenant.writer, parseUserInput(context.request.body));
  const { graphBase, options } = context.tenant;
  return jsonResponse(
    201,
    { '@odata.context': usersContext(graphBase, null, true), ...projectUser(user, null) },
    {
      location: `${graphBase}v2/${options.tenantId}/directoryObjects/${user.id}/Microsoft.DirectoryServices.User`,
    },
  );
}

export function getUserRoute(context: RouteContext): GraphResponse {
  requirePermission(context.roles, REQUIREMENTS.readUsers);
  const select = parseSelect(context.request.query.get('$select'), false);
  const user = targetUser(context);
  return jsonResponse(200, {
    '@odata.context': usersContext(context.tenant.graphBase, select, true),
    ...projectUser(user, select),
  });
}

export function updateUserRoute(context: RouteContext): GraphResponse {
  checkUpdatePermission(context);
  const user = targetUser(context);
  updateUser(context.tenant.writer, user, parseUserInput(context.request.body));
  return emptyResponse(204);
}

export function deleteUserRoute(context: RouteContext): GraphResponse {
  requirePermission(context.roles, REQUIREMENTS.deleteRestore);
  const user = targetUser(context);
  context.tenant.store.softDelete(user.id, context.tenant.options.addressHoldMs);
  return emptyResponse(204);
}

/**
 * PATCH needs different permissions per property (graph-behaviour §4, §10): passwordProfile needs a password
 * permission and, always, the User Administrator role; accountEnabled alone may use
 * User.EnableDisableAccount.All; everything else needs User.ReadWrite.All.
 */
function checkUpdatePermission(context: RouteContext): void {
  const body = context.request.body;
  const properties = typeof body === 'object' && body !== null ? Object.keys(body) : [];
  const { roles } = context;
  for (const property of properties) {
    if (property === 'passwordProfile') {
      if (!isSatisfied(roles, REQUIREMENTS.setPassword) || !context.tenant.options.userAdministratorRole)
        throw forbidden();
    } else if (property === 'accountEnabled') {
      requirePermission(roles, REQUIREMENTS.enableDisableAccount);
    } else {
      requirePermission(roles, REQUIREMENTS.writeUsers);
    }
  }
  if (properties.length === 0) requirePermission(roles, REQUIREMENTS.writeUsers);
}
