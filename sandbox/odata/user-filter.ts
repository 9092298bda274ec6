import type { SandboxUser } from '../model.js';
import { GraphFailure, unsupportedQuery } from '../tenant/failure.js';
import { FilterSyntaxError } from './filter-lexer.js';
import { parseFilter } from './filter-parser.js';
import type { FilterNode, Literal, Operand } from './filter-parser.js';
import { USER_PROPERTIES } from './user-properties.js';
import type { FilterCapability, FilterOperator, UserProperty } from './user-properties.js';

export type UserPredicate = (user: SandboxUser) => boolean;
/** Inside any(), predicates also see the collection element. */
type ItemPredicate = (user: SandboxUser, item?: string) => boolean;

// Texts from graph-behaviour §2; the syntax text is [community: msgraph-sdk-dotnet#1190].
export const FILTER_MESSAGES = {
  syntax: 'Invalid filter clause',
  unsupportedProperty: (name: string): string =>
    `Unsupported or invalid query filter clause specified for property '${name}' of resource 'User'.`,
  advancedOperator: (operator: string): string =>
    `Operator '${operator}' is not supported because the required parameters might be missing. Try adding ` +
    '$count=true query parameter and ConsistencyLevel:eventual header. Refer to ' +
    'https://aka.ms/graph-docs/advanced-queries for more information',
  unknownProperty: (name: string): string =>
    `Could not find a property named '${name}' on type 'microsoft.graph.user'.`,
};

const syntaxError = (): GraphFailure => new GraphFailure(400, 'BadRequest', FILTER_MESSAGES.syntax);

/** Display names of operators in the advanced-query error ("Operator 'endsWith' …"). */
const OPERATOR_NAMES: Record<FilterOperator, string> = {
  eq: 'eq',
  ne: 'ne',
  in: 'in',
  startswith: 'startsWith',
  endswith: 'endsWith',
  ge: 'ge',
  le: 'le',
  null: 'eq',
};

/**
 * Parses, checks against Graph's capability matrix and compiles a user $filter. `advanced` is true when the
 * request carries both `ConsistencyLevel: eventual` and `$count=true`. Throws GraphFailure with Graph's text.
 */
export function compileUserFilter(source: string, advanced: boolean): UserPredicate {
  let tree: FilterNode;
  try {
    tree = parseFilter(source);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw syntaxError();
    throw error;
  }
  return new FilterCompiler(advanced).compile(tree);
}

type Accessor = (user: SandboxUser, item: string | undefined) => unknown;

class FilterCompiler {
  constructor(private readonly advanced: boolean) {}

  compile(node: FilterNode, lambda?: { variable: string; capability: FilterCapability }): ItemPredicate {
    switch (node.kind) {
      case 'and': {
        const [left, right] = [this.compile(node.left, lambda), this.compile(node.right, lambda)];
        return (user, item) => left(user, item) && right(user, item);
      }
      case 'or': {
        const [left, right] = [this.compile(node.left, lambda), this.compile(node.right, lambda)];
        return (user, item) => left(user, item) || right(user, item);
      }
      case 'not': {
        if (!this.advanced) throw unsupportedQuery(FILTER_MESSAGES.advancedOperator('not'));
        const operand = this.compile(node.operand, lambda);
        return (user, item) => !operand(user, item);
      }
      case 'lambda':
        return this.lambda(node, lambda);
      case 'compare':
      case 'in':
      case 'function':
        return this.leaf(node, lambda);
    }
  }

  private lambda(
    node: Extract<FilterNode, { kind: 'lambda' }>,
    outer: { variable: string } | undefined,
  ): ItemPredicate {
    if (outer) throw syntaxError();
    const property = this.resolve(node.collection);
    const capability = property.filter;
    if (capability?.type !== 'collection' || node.quantifier === 'all') {
      throw unsupportedQuery(FILTER_MESSAGES.unsupportedProperty(property.name));
    }
    const body = this.compile(node.body, { variable: node.variable, capability });
    const read = property.read;
    return (user) => {
      const values = read(user) as string[];
      return values.some((value) => body(user, value));
    };
  }

  private leaf(
    node: Extract<FilterNode, { kind: 'compare' | 'in' | 'function' }>,
    lambda: { variable: string; capability: FilterCapability } | undefined,
  ): ItemPredicate {
    const { accessor, capability, name } = this.target(node.target, lambda);
    const operator = operatorOf(node);
    if (operator === null) throw unsupportedQuery(FILTER_MESSAGES.unsupportedProperty(name));
    this.checkOperator(capability, operator, name);
    const literals = node.kind === 'in' ? node.values : [node.value];
    const elementType = capability.type === 'collection' ? 'string' : capability.type;
    for (const literal of literals) checkLiteral(literal, elementType, operator);
    return buildLeaf(node, accessor, elementType);
  }

  private checkOperator(capability: FilterCapability, operator: FilterOperator, name: string): void {
    if (capability.standard.has(operator)) return;
    if (!capability.advanced.has(operator)) throw unsupportedQuery(FILTER_MESSAGES.unsupportedProperty(name));
    if (this.advanced) return;
    // Advanced-only properties fail as unsupported; advanced-only operators name the operator.
    if (capability.standard.size === 0) throw unsupportedQuery(FILTER_MESSAGES.unsupportedProperty(name));
    throw unsupportedQuery(FILTER_MESSAGES.advancedOperator(OPERATOR_NAMES[operator]));
  }

  private target(
    operand: Operand,
    lambda: { variable: string; capability: FilterCapability } | undefined,
  ): { accessor: Accessor; capability: FilterCapability; name: string } {
    if (operand.kind === 'variable') {
      if (!lambda || operand.name !== lambda.variable) throw syntaxError();
      return { accessor: (_user, item) => item, capability: lambda.capability, name: operand.name };
    }
    if (lambda) throw syntaxError();
    const property = this.resolve(operand.name);
    const capability = property.filter;
    if (!capability || capability.type === 'collection') {
      throw unsupportedQuery(FILTER_MESSAGES.unsupportedProperty(property.name));
    }
    const read = property.read;
    return { accessor: (user) => read(user), capability, name: property.name };
  }

  private resolve(name: string): UserProperty {
    const property = USER_PROPERTIES.get(name.toLowerCase());
    if (!property) throw new GraphFailure(400, 'BadRequest', FILTER_MESSAGES.unknownProperty(name));
    return property;
  }
}

function operatorOf(
  node: Extract<FilterNode, { kind: 'compare' | 'in' | 'function' }>,
): FilterOperator | null {
  if (node.kind === 'in') return 'in';
  if (node.kind === 'function') return node.name;
  if (node.value.type === 'null') return node.operator === 'eq' || node.operator === 'ne' ? 'null' : null;
  if (node.operator === 'gt' || node.operator === 'lt') return null;
  return node.operator;
}

/** Literal types must match the property (`accountEnabled eq 'true'` is a syntax error in Graph). */
function checkLiteral(
  literal: Literal,
  type: 'string' | 'boolean' | 'datetime',
  operator: FilterOperator,
): void {
  if (literal.type === 'null') {
    if (operator !== 'null') throw syntaxError();
    return;
  }
  if (literal.type !== type) throw syntaxError();
}

function buildLeaf(
  node: Extract<FilterNode, { kind: 'compare' | 'in' | 'function' }>,
  accessor: Accessor,
  type: 'string' | 'boolean' | 'datetime',
): ItemPredicate {
  const normalise = normaliser(type);
  if (node.kind === 'in') {
    const wanted = new Set(node.values.map((literal) => normalise(literalValue(literal))));
    return (user, item) => wanted.has(normalise(accessor(user, item)));
  }
  const expected = normalise(literalValue(node.value));
  if (node.kind === 'function') {
    const prefix = String(expected);
    return node.name === 'startswith'
      ? (user, item) => String(normalise(accessor(user, item)) ?? '\u0000').startsWith(prefix)
      : (user, item) => String(normalise(accessor(user, item)) ?? '\u0000').endsWith(prefix);
  }
  const compare = (user: SandboxUser, item: string | undefined): number | null => {
    const actual = normalise(accessor(user, item));
    if (actual === null || expected === null) return actual === expected ? 0 : null;
    return actual < expected ? -1 : actual > expected ? 1 : 0;
  };
  switch (node.operator) {
    case 'eq':
      return (user, item) => compare(user, item) === 0;
    case 'ne':
      return (user, item) => compare(user, item) !== 0;
    case 'ge':
      return (user, item) => (compare(user, item) ?? -1) >= 0;
    default:
      return (user, item) => (compare(user, item) ?? 1) <= 0;
  }
}

function literalValue(literal: Literal): unknown {
  return literal.type === 'null' ? null : literal.value;
}

/** Directory string matching is case-insensitive; date-times compare as instants. */
function normaliser(
  type: 'string' | 'boolean' | 'datetime',
): (value: unknown) => string | number | boolean | null {
  if (type === 'string') return (value) => (typeof value === 'string' ? value.toLowerCase() : null);
  if (type === 'datetime') return (value) => (typeof value === 'string' ? Date.parse(value) : null);
  return (value) => (typeof value === 'boolean' ? value : null);
}
