import { describe, expect, it } from '@jest/globals';
import { FilterSyntaxError } from '../../sandbox/odata/filter-lexer.js';
import { filterIndexKeys } from '../../sandbox/odata/filter-index.js';
import { parseFilter } from '../../sandbox/odata/filter-parser.js';
import { compileUserFilter } from '../../sandbox/odata/user-filter.js';
import type { SandboxUser } from '../../sandbox/model.js';

const user = (overrides: Partial<SandboxUser>): SandboxUser =>
  ({
    displayName: 'Ann',
    givenName: null,
    mail: null,
    accountEnabled: true,
    proxyAddresses: [],
    ...overrides,
  }) as SandboxUser;

describe('OData $filter parser', () => {
  it("reads '' inside a string literal as one quote", () => {
    expect(parseFilter("displayName eq 'o''brien'")).toEqual({
      kind: 'compare',
      operator: 'eq',
      target: { kind: 'property', name: 'displayName' },
      value: { type: 'string', value: "o'brien" },
    });
  });

  it('binds and tighter than or, and not tighter than and', () => {
    const tree = parseFilter("a eq 'x' or b eq 'y' and not c eq 'z'");
    expect(tree).toMatchObject({
      kind: 'or',
      left: { kind: 'compare' },
      right: { kind: 'and', left: { kind: 'compare' }, right: { kind: 'not', operand: { kind: 'compare' } } },
    });
  });

  it('parses in-lists, functions, lambdas and parentheses', () => {
    expect(parseFilter("(mail in ('a', 'b'))")).toMatchObject({
      kind: 'in',
      values: [{ value: 'a' }, { value: 'b' }],
    });
    expect(parseFilter("startsWith(displayName,'A')")).toMatchObject({
      kind: 'function',
      name: 'startswith',
    });
    expect(parseFilter("proxyAddresses/any(p:p eq 'smtp:a@b.c')")).toMatchObject({
      kind: 'lambda',
      quantifier: 'any',
      collection: 'proxyAddresses',
      body: { kind: 'compare', target: { kind: 'variable', name: 'p' } },
    });
  });

  it.each([
    "displayName eq 'o'brien'",
    "displayName eq 'open",
    'displayName eq',
    "displayName eq 'a' and",
    "(displayName eq 'a'",
    'eq eq eq',
  ])('rejects %s as a syntax error', (source) => {
    expect(() => parseFilter(source)).toThrow(FilterSyntaxError);
  });
});

describe('compiled user filters', () => {
  it('matches strings case-insensitively and treats null as no match for eq', () => {
    const predicate = compileUserFilter("displayName eq 'ANN' or mail eq 'x@y.z'", false);
    expect(predicate(user({}))).toBe(true);
    expect(predicate(user({ displayName: 'Bob' }))).toBe(false);
  });

  it('evaluates eq null and ne as advanced queries', () => {
    expect(compileUserFilter('givenName eq null', true)(user({}))).toBe(true);
    expect(compileUserFilter("displayName ne 'Ann'", true)(user({}))).toBe(false);
    expect(() => compileUserFilter('givenName eq null', false)).toThrow(
      'required parameters might be missing',
    );
  });

  it('evaluates any() over proxy addresses', () => {
    const predicate = compileUserFilter("proxyAddresses/any(p:startswith(p, 'smtp:ann@'))", false);
    expect(predicate(user({ proxyAddresses: ['SMTP:Ann@contoso.com'] }))).toBe(true);
    expect(predicate(user({ proxyAddresses: ['SMTP:bob@contoso.com'] }))).toBe(false);
  });
});

describe('index keys for address lookups', () => {
  it('collects lower-case keys from eq, in and proxyAddresses/any() joined by or', () => {
    const keys = filterIndexKeys(
      "mail eq 'A@x.com' or userPrincipalName in ('b@x.com') or proxyAddresses/any(p:p eq 'SMTP:C@x.com')",
    );
    expect(keys).toEqual({ ids: [], userPrincipalNames: ['b@x.com'], addresses: ['a@x.com', 'c@x.com'] });
  });

  it('uses one indexable side of an and, and gives up on anything it cannot bound', () => {
    expect(filterIndexKeys("accountEnabled eq true and mail eq 'a@x.com'")?.addresses).toEqual(['a@x.com']);
    expect(filterIndexKeys("mail eq 'a@x.com' or startswith(displayName,'A')")).toBeNull();
    expect(filterIndexKeys("not (mail eq 'a@x.com')")).toBeNull();
  });
});
