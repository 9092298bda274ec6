import type { GraphRequest, GraphResponse } from '../graph-types.js';
import { GraphFailure } from '../tenant/failure.js';
import { MESSAGES } from '../tenant/messages.js';
import type { Route, RouteContext, TenantServices } from './context.js';
import {
  getDeletedItemRoute,
  listDeletedItemsWithoutCastRoute,
  listDeletedUsersRoute,
  purgeDeletedItemRoute,
  restoreDeletedItemRoute,
} from './deleted-items.js';
import {
  domainsRoute,
  federationConfigurationRoute,
  organizationRoute,
  subscribedSkusRoute,
} from './organization.js';
import { assignLicenseRoute, revokeSessionsRoute, sendMailRoute } from './user-actions.js';
import { usersDeltaRoute } from './users-delta.js';
import { countUsersRoute, listUsersRoute } from './users-list.js';
import { createUserRoute, deleteUserRoute, getUserRoute, updateUserRoute } from './users.js';

interface RouteEntry {
  /** Literal segments (matched case-insensitively) and ':param' placeholders. */
  pattern: string[];
  methods: Partial<Record<string, Route>>;
}

/** Literal patterns come before ':id' patterns of the same length (users/delta before users/{id}). */
const ROUTES: RouteEntry[] = [
  { pattern: ['users'], methods: { GET: listUsersRoute, POST: createUserRoute } },
  { pattern: ['users', '$count'], methods: { GET: countUsersRoute } },
  { pattern: ['users', 'delta'], methods: { GET: usersDeltaRoute } },
  {
    pattern: ['users', ':id'],
    methods: { GET: getUserRoute, PATCH: updateUserRoute, DELETE: deleteUserRoute },
  },
  { pattern: ['users', ':id', 'revokeSignInSessions'], methods: { POST: revokeSessionsRoute } },
  { pattern: ['users', ':id', 'sendMail'], methods: { POST: sendMailRoute } },
  { pattern: ['users', ':id', 'assignLicense'], methods: { POST: assignLicenseRoute } },
  { pattern: ['subscribedSkus'], methods: { GET: subscribedSkusRoute } },
  { pattern: ['subscribedSkus', ':id'], methods: { GET: subscribedSkusRoute } },
  { pattern: ['organization'], methods: { GET: organizationRoute } },
  { pattern: ['organization', ':id'], methods: { GET: organizationRoute } },
  { pattern: ['domains'], methods: { GET: domainsRoute } },
  { pattern: ['domains', ':id'], methods: { GET: domainsRoute } },
  { pattern: ['domains', ':id', 'federationConfiguration'], methods: { GET: federationConfigurationRoute } },
  { pattern: ['directory', 'deletedItems'], methods: { GET: listDeletedItemsWithoutCastRoute } },
  { pattern: ['directory', 'deletedItems', 'microsoft.graph.user'], methods: { GET: listDeletedUsersRoute } },
  {
    pattern: ['directory', 'deletedItems', ':id'],
    methods: { GET: getDeletedItemRoute, DELETE: purgeDeletedItemRoute },
  },
  { pattern: ['directory', 'deletedItems', ':id', 'restore'], methods: { POST: restoreDeletedItemRoute } },
];

const VERSION_PREFIX = '/v1.0/';

/** Splits '/v1.0/users/a%40b.com' into decoded segments after the version; null for another version. */
export function pathSegments(path: string): string[] | null {
  if (!path.toLowerCase().startsWith(VERSION_PREFIX)) return null;
  const raw = path
    .slice(VERSION_PREFIX.length)
    .split('/')
    .filter((segment) => segment.length > 0);
  try {
    return raw.map((segment) => decodeURIComponent(segment));
  } catch {
    return null;
  }
}

/** Finds and runs the route; route failures become Graph's error envelope in the pipeline. */
export function routeGraphRequest(
  request: GraphRequest,
  roles: ReadonlySet<string>,
  tenant: TenantServices,
): GraphResponse {
  const segments = pathSegments(request.path);
  if (segments === null) throw new GraphFailure(400, 'BadRequest', 'Invalid version.');
  const entry = ROUTES.find((candidate) => matches(candidate.pattern, segments));
  if (!entry)
    throw new GraphFailure(400, 'BadRequest', MESSAGES.unknownSegment(segments[segments.length - 1] ?? ''));
  const route = entry.methods[request.method];
  if (!route) throw new GraphFailure(405, 'Request_BadRequest', MESSAGES.methodNotAllowed);
  const context: RouteContext = { request, segments, roles, tenant };
  return route(context);
}

function matches(pattern: string[], segments: string[]): boolean {
  if (pattern.length !== segments.length) return false;
  return pattern.every(
    (part, index) => part.startsWith(':') || part.toLowerCase() === (segments[index] ?? '').toLowerCase(),
  );
}
