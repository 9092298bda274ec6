import { FilterSyntaxError, tokenize } from './filter-lexer.js';
import type { FilterToken } from './filter-lexer.js';

export type Literal =
  | { type: 'string'; value: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  | { type: 'number'; value: number }
  | { type: 'datetime'; value: string };

/** A property of the entity, or the range variable of an any()/all() lambda. */
export type Operand = { kind: 'property'; name: string } | { kind: 'variable'; name: string };

export type ComparisonOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; operator: ComparisonOperator; target: Operand; value: Literal }
  | { kind: 'in'; target: Operand; values: Literal[] }
  | { kind: 'function'; name: 'startswith' | 'endswith'; target: Operand; value: Literal }
  | { kind: 'lambda'; quantifier: 'any' | 'all'; collection: string; variable: string; body: FilterNode };

const COMPARISONS = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set<string>(['startswith', 'endswith']);

/**
 * Recursive-descent parser for the $filter subset (precedence: or < and < not < comparison):
 *   expr    := and ('or' and)*
 *   and     := unary ('and' unary)*
 *   unary   := 'not' unary | primary
 *   primary := '(' expr ')' | func '(' operand ',' literal ')' | path '/' ('any'|'all') '(' var ':' expr ')'
 *            | operand cmp literal | operand 'in' '(' literal (',' literal)* ')'
 * Keywords and function names are case-insensitive, as Graph accepts `startsWith`. Throws FilterSyntaxError.
 */
export function parseFilter(source: string): FilterNode {
  const parser = new FilterParser(tokenize(source));
  const tree = parser.expression(new Set());
  parser.expectEnd();
  return tree;
}

class FilterParser {
  private index = 0;

  constructor(private readonly tokens: FilterToken[]) {}

  expression(variables: ReadonlySet<string>): FilterNode {
    let left = this.conjunction(variables);
    while (this.acceptKeyword('or')) left = { kind: 'or', left, right: this.conjunction(variables) };
    return left;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') throw new FilterSyntaxError(token.position);
  }

  private conjunction(variables: ReadonlySet<string>): FilterNode {
    let left = this.unary(variables);
    while (this.acceptKeyword('and')) left = { kind: 'and', left, right: this.unary(variables) };
    return left;
  }

  private unary(variables: ReadonlySet<string>): FilterNode {
    if (this.acceptKeyword('not')) return { kind: 'not', operand: this.unary(variables) };
    return this.primary(variables);
  }

  private primary(variables: ReadonlySet<string>): FilterNode {
    if (this.acceptPunctuation('(')) {
      const inner = this.expression(variables);
      this.expectPunctuation(')');
      return inner;
    }
    const name = this.expectIdentifier();
    const lower = name.text.toLowerCase();
    if (FUNCTIONS.has(lower) && this.acceptPunctuation('(')) {
      const target = this.operand(variables);
      this.expectPunctuation(',');
      const value = this.literal();
      this.expectPunctuation(')');
      return { kind: 'function', name: lower as 'startswith' | 'endswith', target, value };
    }
    if (this.acceptPunctuation('/')) return this.lambda(name.text, variables);
    const target: Operand = variables.has(name.text)
      ? { kind: 'variable', name: name.text }
      : { kind: 'property', name: name.text };
    return this.comparison(target);
  }

  private lambda(collection: string, variables: ReadonlySet<string>): FilterNode {
    const quantifier = this.expectIdentifier().text.toLowerCase();
    if (quantifier !== 'any' && quantifier !== 'all') throw new FilterSyntaxError(this.peek().position);
    this.expectPunctuation('(');
    const variable = this.expectIdentifier().text;
    this.expectPunctuation(':');
    const body = this.expression(new Set([...variables, variable]));
    this.expectPunctuation(')');
    return { kind: 'lambda', quantifier, collection, variable, body };
  }

  private comparison(target: Operand): FilterNode {
    const operator = this.expectIdentifier();
    const lower = operator.text.toLowerCase();
    if (lower === 'in') {
      this.expectPunctuation('(');
      const values = [this.literal()];
      while (this.acceptPunctuation(',')) values.push(this.literal());
      this.expectPunctuation(')');
      return { kind: 'in', target, values };
    }
    if (!COMPARISONS.has(lower)) throw new FilterSyntaxError(operator.position);
    return { kind: 'compare', operator: lower as ComparisonOperator, target, value: this.literal() };
  }

  private operand(variables: ReadonlySet<string>): Operand {
    const name = this.expectIdentifier().text;
    return variables.has(name) ? { kind: 'variable', name } : { kind: 'property', name };
  }

  private literal(): Literal {
    const token = this.next();
    if (token.kind === 'string') return { type: 'string', value: token.value };
    if (token.kind === 'number') return { type: 'number', value: token.value };
    if (token.kind === 'datetime') return { type: 'datetime', value: token.value };
    if (token.kind === 'identifier') {
      const lower = token.text.toLowerCase();
      if (lower === 'true' || lower === 'false') return { type: 'boolean', value: lower === 'true' };
      if (lower === 'null') return { type: 'null' };
    }
    throw new FilterSyntaxError(token.position);
  }

  private peek(): FilterToken {
    return this.tokens[this.index] ?? { kind: 'end', position: 0 };
  }

  private next(): FilterToken {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private acceptKeyword(keyword: string): boolean {
    const token = this.peek();
    if (token.kind !== 'identifier' || token.text.toLowerCase() !== keyword) return false;
    this.index += 1;
    return true;
  }

  private acceptPunctuation(text: string): boolean {
    const token = this.peek();
    if (token.kind !== 'punctuation' || token.text !== text) return false;
    this.index += 1;
    return true;
  }

  private expectPunctuation(text: string): void {
    if (!this.acceptPunctuation(text)) throw new FilterSyntaxError(this.peek().position);
  }

  private expectIdentifier(): { text: string; position: number } {
    const token = this.next();
    if (token.kind !== 'identifier') throw new FilterSyntaxError(token.position);
    return token;
  }
}
