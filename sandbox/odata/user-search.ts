import type { SandboxUser } from '../model.js';
import { unsupportedQuery } from '../tenant/failure.js';
import type { UserPredicate } from './user-filter.js';

export const SEARCH_MESSAGES = {
  // graph-behaviour §2 [doc/community]
  needsHeader:
    "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
  // [unconfirmed]
  invalid: 'Invalid $search clause.',
  unsupportedProperty: (name: string): string => `Unsupported property '${name}' in $search clause.`,
};

/** Properties $search understands on users; displayName is tokenised, the others match as prefixes. */
const SEARCHABLE: Record<string, (user: SandboxUser) => string | null> = {
  displayname: (user) => user.displayName,
  givenname: (user) => user.givenName,
  surname: (user) => user.surname,
  mail: (user) => user.mail,
  userprincipalname: (user) => user.userPrincipalName,
  mailnickname: (user) => user.mailNickname,
  jobtitle: (user) => user.jobTitle,
  department: (user) => user.department,
};

/**
 * `$search="displayName:foo" OR "mail:bar"` (graph-behaviour §2): clauses in double quotes, AND/OR upper-case
 * outside the quotes, AND binding tighter. displayName is split into words (on spaces, punctuation and
 * lower→upper case changes) and every search word must prefix one of them; other properties act like
 * startsWith. Matching is case-insensitive.
 */
export function compileUserSearch(source: string): UserPredicate {
  const tokens = source.trim().match(/"[^"]*"|\S+/g) ?? [];
  const alternatives: UserPredicate[][] = [[]];
  let expectClause = true;
  for (const token of tokens) {
    if (expectClause) {
      alternatives[alternatives.length - 1]?.push(compileClause(token));
    } else if (token === 'OR') {
      alternatives.push([]);
    } else if (token !== 'AND') {
      throw unsupportedQuery(SEARCH_MESSAGES.invalid);
    }
    expectClause = !expectClause;
  }
  if (expectClause) throw unsupportedQuery(SEARCH_MESSAGES.invalid);
  return (user) => alternatives.some((clauses) => clauses.every((clause) => clause(user)));
}

function compileClause(clause: string): UserPredicate {
  const match = /^"([A-Za-z]+):([^"]*)"$/.exec(clause);
  if (!match) throw unsupportedQuery(SEARCH_MESSAGES.invalid);
  const [, property = '', term = ''] = match;
  const read = SEARCHABLE[property.toLowerCase()];
  if (!read) throw unsupportedQuery(SEARCH_MESSAGES.unsupportedProperty(property));
  const lowerTerm = term.toLowerCase();
  if (property.toLowerCase() !== 'displayname') {
    return (user) => read(user)?.toLowerCase().startsWith(lowerTerm) ?? false;
  }
  const searchWords = words(term);
  return (user) => {
    const nameWords = words(user.displayName);
    return searchWords.every((word) => nameWords.some((nameWord) => nameWord.startsWith(word)));
  };
}

function words(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}
