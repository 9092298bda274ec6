import { GraphFailure, unsupportedQuery } from '../tenant/failure.js';
import { USER_PROPERTIES } from './user-properties.js';
import type { UserProperty } from './user-properties.js';

/** `ConsistencyLevel: eventual` (case-insensitive value). Header names are lower-case in GraphRequest. */
export function hasEventualConsistency(headers: Record<string, string>): boolean {
  return headers['consistencylevel']?.trim().toLowerCase() === 'eventual';
}

/** $top: 1–999 for directory lists (graph-behaviour §2; the range text is [community]). */
export function parseTop(raw: string | null, fallback: number): number {
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw.trim())) {
    throw new GraphFailure(
      400,
      'BadRequest',
      `Invalid value '${raw}' for $top query option found. The $top query option requires a non-negative integer value.`,
    );
  }
  const top = Number(raw.trim());
  if (top < 1 || top > 999) {
    throw unsupportedQuery(`Invalid page size specified: '${raw}'. Must be between 1 and 999 inclusive.`);
  }
  return top;
}

/** $count=true|false; anything else is an OData syntax error. */
export function parseCount(raw: string | null): boolean {
  if (raw === null) return false;
  const lower = raw.trim().toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  throw new GraphFailure(400, 'BadRequest', `'${raw}' is not a valid count option.`);
}

/**
 * $select: comma-separated user properties, names resolved case-insensitively. `inCollection` makes
 * single-user-only properties fail with 501 as Graph does for lists. [unconfirmed texts]
 */
export function parseSelect(raw: string | null, inCollection: boolean): UserProperty[] | null {
  if (raw === null || raw.trim() === '') return null;
  const selected = new Map<string, UserProperty>();
  for (const name of raw.split(',').map((part) => part.trim())) {
    const property = USER_PROPERTIES.get(name.toLowerCase());
    if (!property) {
      throw new GraphFailure(
        400,
        'BadRequest',
        `Parsing OData Select and Expand failed: Could not find a property named '${name}' on type 'microsoft.graph.user'.`,
      );
    }
    if (inCollection && property.inCollections === false) {
      throw new GraphFailure(
        501,
        'NotImplemented',
        `This operation target is not yet supported for property '${property.name}'.`,
      );
    }
    selected.set(property.name, property);
  }
  return [...selected.values()];
}

export interface OrderBy {
  property: UserProperty;
  descending: boolean;
}

/** $orderby on one property: displayName and userPrincipalName by default, a few more as advanced queries. */
export function parseOrderBy(raw: string | null, advanced: boolean, filtered: boolean): OrderBy | null {
  if (raw === null || raw.trim() === '') return null;
  const match = /^\s*([A-Za-z]+)(?:\s+(asc|desc))?\s*$/i.exec(raw);
  const property = match ? USER_PROPERTIES.get((match[1] ?? '').toLowerCase()) : undefined;
  // [unconfirmed] text for an unsortable property
  if (!match || !property?.orderBy)
    throw unsupportedQuery(`Order by not supported for property '${raw.trim()}'.`);
  // $filter together with $orderby, or an advanced-only sort key, needs the advanced-query parameters.
  // [community] "Sorting not supported for current query."
  if (!advanced && (filtered || property.orderBy === 'advanced')) {
    throw unsupportedQuery('Sorting not supported for current query.');
  }
  return { property, descending: (match[2] ?? 'asc').toLowerCase() === 'desc' };
}
