import { GraphUnexpectedResponseError, InvalidInputError } from '../commands/errors.js';

/**
 * The one place where user-provided text enters an OData query. Graph string literals are single-quoted and a
 * quote inside is doubled (`'o''brien@contoso.com'`), so a value can neither end the literal early (breaking
 * the query) nor smuggle in `or …` (widening it). Control characters have no business in a directory value and
 * are refused rather than sent. The finished $filter is percent-encoded as a whole when the URL is built
 * (`queryString`), so `&`, `#`, `+` and `%` in a value stay part of it.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

export function odataString(value: string): string {
  if (CONTROL_CHARACTERS.test(value)) {
    throw new InvalidInputError(
      'A value used to search Microsoft 365 contains control characters; remove them.',
    );
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/** mail, userPrincipalName or any proxy address equals the address (Graph compares case-insensitively). */
export function emailLookupFilter(email: string): string {
  const address = odataString(email);
  const proxy = odataString(`smtp:${email}`);
  return `mail eq ${address} or userPrincipalName eq ${address} or proxyAddresses/any(p:p eq ${proxy})`;
}

/** `property eq 'value'` for a string property. */
export function equalsFilter(property: string, value: string): string {
  return `${property} eq ${odataString(value)}`;
}

/**
 * A query string for a Graph path, every value percent-encoded. graph-client passes query strings through as
 * given (it splits on `&` and `=` only), so encoding here is what keeps a value's `&` or `+` intact.
 */
export function queryString(parameters: Readonly<Record<string, string | undefined>>): string {
  const parts = Object.entries(parameters)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** One path segment (an object id or a userPrincipalName such as liam.o'brien@contoso.com). */
export function pathSegment(value: string): string {
  return encodeURIComponent(value);
}

/**
 * An @odata.nextLink as a path relative to the version root, for graph-client's `api()`. graph-client strips
 * the host only from https links, and the sandbox's links are http, so every link goes through here. A link
 * to another origin is refused: following it would send the bearer token somewhere else.
 */
export function nextLinkPath(nextLink: string, graphBaseUrl: string): string {
  const link = new URL(nextLink);
  const base = new URL(graphBaseUrl);
  if (link.origin !== base.origin) {
    throw new GraphUnexpectedResponseError(
      'read the next page',
      `a nextLink to ${link.origin} was not followed`,
    );
  }
  const basePath = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  const relative = link.pathname.startsWith(basePath) ? link.pathname.slice(basePath.length) : link.pathname;
  const withoutVersion = relative.replace(/^\/*v1\.0(?=\/|$)/i, '').replace(/^\/*/, '');
  return `/${withoutVersion}${link.search}`;
}
