import { describe, expect, it } from '@jest/globals';
import { GraphUnexpectedResponseError, InvalidInputError } from '../../commands/errors.js';
import { requestCost } from '../../graph/costs.js';
import { emailLookupFilter, nextLinkPath, odataString, queryString } from '../../graph/odata.js';

describe('odataString', () => {
  it("doubles single quotes so o'brien stays one literal", () => {
    expect(odataString("liam.o'brien@contoso.com")).toBe("'liam.o''brien@contoso.com'");
    expect(odataString("''")).toBe("''''''");
  });

  it('cannot be used to widen a query: an injected clause stays inside the literal', () => {
    const literal = odataString("x' or mail ne 'y");
    expect(literal).toBe("'x'' or mail ne ''y'");
    // Between the outer quotes every quote is doubled, so the literal never ends early.
    expect(literal.slice(1, -1).replace(/''/g, '')).not.toContain("'");
  });

  it.each(['a\u0000b@contoso.com', 'line\nbreak@contoso.com', 'tab\t@contoso.com', 'del\u007f@contoso.com'])(
    'refuses control characters (%j) with InvalidInputError',
    (value) => {
      expect(() => odataString(value)).toThrow(InvalidInputError);
    },
  );
});

describe('emailLookupFilter', () => {
  it('matches mail, userPrincipalName or an smtp proxy address, each escaped', () => {
    expect(emailLookupFilter("o'brien@contoso.com")).toBe(
      "mail eq 'o''brien@contoso.com' or userPrincipalName eq 'o''brien@contoso.com' or " +
        "proxyAddresses/any(p:p eq 'smtp:o''brien@contoso.com')",
    );
  });
});

describe('queryString', () => {
  it('percent-encodes values so &, #, + and % stay inside them', () => {
    const query = queryString({ $filter: "mail eq 'a+b&c#d%e@contoso.com'", $top: '999', $skip: undefined });
    const parsed = new URLSearchParams(query.slice(1));
    expect(parsed.get('$filter')).toBe("mail eq 'a+b&c#d%e@contoso.com'");
    expect(parsed.get('$top')).toBe('999');
    expect(parsed.has('$skip')).toBe(false);
  });

  it('is empty without parameters', () => {
    expect(queryString({})).toBe('');
  });
});

describe('nextLinkPath', () => {
  it('turns the sandbox http nextLink into a path relative to the version root', () => {
    expect(nextLinkPath('http://127.0.0.1:4010/v1.0/users?$skiptoken=abc%3D', 'http://127.0.0.1:4010/')).toBe(
      '/users?$skiptoken=abc%3D',
    );
  });

  it('does the same for https Graph links', () => {
    expect(
      nextLinkPath(
        'https://graph.microsoft.com/v1.0/users?$top=999&$skiptoken=X',
        'https://graph.microsoft.com/',
      ),
    ).toBe('/users?$top=999&$skiptoken=X');
  });

  it('refuses a link to another host, so the token is never sent there', () => {
    expect(() =>
      nextLinkPath('https://evil.example/v1.0/users?$skiptoken=X', 'https://graph.microsoft.com/'),
    ).toThrow(GraphUnexpectedResponseError);
  });
});

describe('requestCost (published identity costs)', () => {
  it.each([
    ['GET', '/users', 2, false],
    ['GET', '/users?$select=id&$top=999', 1, false],
    ['GET', '/users/abc?$select=id', 1, false],
    ['GET', '/subscribedSkus', 3, false],
    ['GET', '/users?$top=5', 1, false],
    ['POST', '/users', 1, true],
    ['PATCH', '/users/abc', 1, true],
    ['POST', '/$batch', 0, false],
  ] as const)('%s %s costs %i RU (write: %s)', (method, path, resourceUnits, write) => {
    expect(requestCost(method, path)).toEqual({ resourceUnits, write });
  });
});
