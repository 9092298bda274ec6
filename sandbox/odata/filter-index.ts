import { parseFilter } from './filter-parser.js';
import type { FilterNode, Literal } from './filter-parser.js';

/** Keys the tenant store can look up directly; every user matching the filter is among their owners. */
export interface IndexKeys {
  ids: string[];
  userPrincipalNames: string[];
  /** Mail / proxy addresses as stored in the address index ('smtp:' stripped, lower-case). */
  addresses: string[];
}

/**
 * The product's hot query is "find the user with this address" (`mail eq`, `userPrincipalName eq`,
 * `proxyAddresses/any(p:p eq 'smtp:…')`, or an `or` of those). For such filters this returns the index keys
 * whose owners are the only possible matches, so the list route checks a handful of users instead of all of
 * them; the compiled predicate still decides. null = not index-shaped, scan. Call only after the filter was
 * validated (compileUserFilter), so it never sees a syntax error here.
 */
export function filterIndexKeys(source: string): IndexKeys | null {
  return keysOf(parseFilter(source));
}

function keysOf(node: FilterNode): IndexKeys | null {
  switch (node.kind) {
    case 'or': {
      const [left, right] = [keysOf(node.left), keysOf(node.right)];
      return left && right ? merge(left, right) : null;
    }
    case 'and':
      return keysOf(node.left) ?? keysOf(node.right);
    case 'compare':
      return node.operator === 'eq' && node.target.kind === 'property'
        ? propertyKeys(node.target.name, [node.value])
        : null;
    case 'in':
      return node.target.kind === 'property' ? propertyKeys(node.target.name, node.values) : null;
    case 'lambda':
      return node.quantifier === 'any' && node.collection.toLowerCase() === 'proxyaddresses'
        ? lambdaKeys(node.body)
        : null;
    default:
      return null;
  }
}

function propertyKeys(property: string, literals: readonly Literal[]): IndexKeys | null {
  const values = strings(literals);
  if (values === null) return null;
  switch (property.toLowerCase()) {
    case 'id':
      return { ids: values, userPrincipalNames: [], addresses: [] };
    case 'userprincipalname':
      return { ids: [], userPrincipalNames: values, addresses: [] };
    case 'mail':
      return { ids: [], userPrincipalNames: [], addresses: values };
    default:
      return null;
  }
}

function lambdaKeys(body: FilterNode): IndexKeys | null {
  if (body.kind === 'or') {
    const [left, right] = [lambdaKeys(body.left), lambdaKeys(body.right)];
    return left && right ? merge(left, right) : null;
  }
  if (body.kind !== 'compare' || body.operator !== 'eq' || body.target.kind !== 'variable') return null;
  const values = strings([body.value]);
  if (values === null) return null;
  const addresses = values.map((value) => (value.startsWith('smtp:') ? value.slice(5) : value));
  return { ids: [], userPrincipalNames: [], addresses };
}

function strings(literals: readonly Literal[]): string[] | null {
  const values: string[] = [];
  for (const literal of literals) {
    if (literal.type !== 'string') return null;
    values.push(literal.value.toLowerCase());
  }
  return values;
}

function merge(a: IndexKeys, b: IndexKeys): IndexKeys {
  return {
    ids: [...a.ids, ...b.ids],
    userPrincipalNames: [...a.userPrincipalNames, ...b.userPrincipalNames],
    addresses: [...a.addresses, ...b.addresses],
  };
}
