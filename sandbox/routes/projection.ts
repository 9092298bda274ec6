import type { SandboxUser } from '../model.js';
import { DEFAULT_USER_PROPERTIES } from '../odata/user-properties.js';
import type { UserProperty } from '../odata/user-properties.js';

/** A user as Graph returns it: the default property set, or exactly the $select list. */
export function projectUser(
  user: SandboxUser,
  select: readonly UserProperty[] | null,
): Record<string, unknown> {
  const projected: Record<string, unknown> = {};
  for (const property of select ?? DEFAULT_USER_PROPERTIES)
    projected[property.name] = copy(property.read(user));
  return projected;
}

/** Arrays are copied so a response can never alias the store's records. */
function copy(value: unknown): unknown {
  return Array.isArray(value)
    ? value.map((item: unknown) => (typeof item === 'object' ? { ...item } : item))
    : value;
}

/** '@odata.context' for users: `#users`, `#users(a,b)`, with `/$entity` for a single user. */
export function usersContext(
  graphBase: string,
  select: readonly UserProperty[] | null,
  entity: boolean,
): string {
  const columns = select ? `(${select.map((property) => property.name).join(',')})` : '';
  return `${graphBase}v1.0/$metadata#users${columns}${entity ? '/$entity' : ''}`;
}
