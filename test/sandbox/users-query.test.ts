import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GraphRequest } from '@microsoft/microsoft-graph-client';
import { graphFailure, newUserBody, nextPath, openSandbox } from './graph-harness.js';
import type { SandboxHarness } from './graph-harness.js';

interface UserPage {
  value: { id: string; displayName?: string; userPrincipalName?: string }[];
  '@odata.nextLink'?: string;
  '@odata.count'?: number;
}

let harness: SandboxHarness;
const api = (path: string): GraphRequest => harness.graph.client.api(path);
const advanced = (request: GraphRequest): GraphRequest =>
  request.header('ConsistencyLevel', 'eventual').count(true);
const list = async (request: GraphRequest): Promise<UserPage> => (await request.get()) as UserPage;

const advancedOperatorText = (operator: string): string =>
  `Operator '${operator}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`;

beforeAll(async () => {
  harness = await openSandbox({ size: 'M' });
});
afterAll(async () => {
  await harness.sandbox.close();
});

const storeUsers = () => [...harness.sandbox.store.activeUsers()];
/** An OData string literal's content: quotes doubled. */
const quoted = (value: string | null | undefined): string => (value ?? '').replace(/'/g, "''");

describe('$filter', () => {
  it("matches o'brien only when the quote is escaped as ''", async () => {
    const escaped = await list(api('/users').filter("startswith(userPrincipalName,'liam.o''brien')"));
    expect(escaped.value.map((user) => user.userPrincipalName)).toEqual(["liam.o'brien@contoso.com"]);
    const injected = await graphFailure(
      api('/users').filter("userPrincipalName eq 'liam.o'brien@contoso.com'").get(),
    );
    expect(injected).toMatchObject({ status: 400, code: 'BadRequest', message: 'Invalid filter clause' });
  });

  it('refuses an unescaped quote that would widen the query instead of running it', async () => {
    const widened = "displayName eq 'x' or displayName ne 'y'";
    const failure = await graphFailure(api('/users').filter(widened).get());
    expect(failure.status).toBe(400);
  });

  it('compares strings case-insensitively and supports in (...), and/or and parentheses', async () => {
    const [first, second] = storeUsers().filter((user) => user.mail !== null);
    const byMail = await list(api('/users').filter(`mail eq '${quoted(first?.mail?.toUpperCase())}'`));
    expect(byMail.value.map((user) => user.id)).toEqual([first?.id]);
    const both = await list(
      api('/users').filter(
        `(mail in ('${quoted(first?.mail)}', '${quoted(second?.mail)}')) and accountEnabled eq ${String(first?.accountEnabled)}`,
      ),
    );
    const expected = [first, second]
      .filter((user) => user?.accountEnabled === first?.accountEnabled)
      .map((user) => user?.id);
    expect(both.value.map((user) => user.id).sort()).toEqual(expected.sort());
  });

  it('filters booleans and proxyAddresses/any() by default', async () => {
    const disabled = storeUsers().filter((user) => !user.accountEnabled);
    expect(disabled.length).toBeGreaterThan(0);
    const page = await list(api('/users').filter('accountEnabled eq false').top(999));
    expect(page.value.map((user) => user.id).sort()).toEqual(disabled.map((user) => user.id).sort());
    const aliasOwner = storeUsers().find((user) => user.proxyAddresses.length > 1);
    const alias = aliasOwner?.proxyAddresses[1] ?? '';
    const byAlias = await list(
      api('/users').filter(`proxyAddresses/any(p:p eq '${quoted(alias.toUpperCase())}')`),
    );
    expect(byAlias.value.map((user) => user.id)).toEqual([aliasOwner?.id]);
  });

  it('finds users by any of their addresses in one or-query (UPN, mail, alias)', async () => {
    const [a, b, c] = storeUsers().filter((user) => user.mail !== null && user.proxyAddresses.length > 1);
    const aliasOfC = c?.proxyAddresses[1]?.replace(/^smtp:/i, '') ?? '';
    const filter =
      `userPrincipalName eq '${quoted(a?.userPrincipalName)}' or mail eq '${quoted(b?.mail)}' or ` +
      `proxyAddresses/any(p:p eq 'smtp:${quoted(aliasOfC)}')`;
    const page = await list(api('/users').filter(filter));
    expect(page.value.map((user) => user.id).sort()).toEqual([a?.id, b?.id, c?.id].sort());
    const none = await list(api('/users').filter("mail eq 'nobody@contoso.com' and accountEnabled eq true"));
    expect(none.value).toEqual([]);
  });

  it.each([
    ["userType ne 'Guest'", 'ne'],
    ["endswith(mail,'@contoso.com')", 'endsWith'],
    ["not startswith(displayName,'A')", 'not'],
  ])('refuses the advanced-only %s without ConsistencyLevel and $count', async (filter, operator) => {
    const failure = await graphFailure(api('/users').filter(filter).get());
    expect(failure).toMatchObject({
      status: 400,
      code: 'Request_UnsupportedQuery',
      message: advancedOperatorText(operator),
    });
    const header = await graphFailure(
      api('/users').filter(filter).header('ConsistencyLevel', 'eventual').get(),
    );
    expect(header.status).toBe(400);
  });

  it('runs advanced queries with both parameters and reports @odata.count', async () => {
    const guests = storeUsers().filter((user) => user.userType !== 'Guest');
    const page = await list(advanced(api('/users').filter("userType ne 'Guest'").top(999)));
    expect(page['@odata.count']).toBe(guests.length);
    expect(page.value).toHaveLength(guests.length);
    const endsWith = await list(
      advanced(api('/users').filter("endswith(userPrincipalName,'@contoso.com')").top(5)),
    );
    expect(endsWith.value.every((user) => user.userPrincipalName?.endsWith('@contoso.com'))).toBe(true);
  });

  it('treats advanced-only properties as unsupported without the parameters', async () => {
    const failure = await graphFailure(api('/users').filter("companyName eq 'Contoso'").get());
    expect(failure).toMatchObject({
      status: 400,
      code: 'Request_UnsupportedQuery',
      message:
        "Unsupported or invalid query filter clause specified for property 'companyName' of resource 'User'.",
    });
    const page = await list(advanced(api('/users').filter("companyName eq 'Contoso'")));
    expect(page['@odata.count']).toBe(
      storeUsers().filter((user) => user.companyName?.toLowerCase() === 'contoso').length,
    );
  });

  it.each([
    ["accountEnabled eq 'true'", 'BadRequest', 'Invalid filter clause'],
    ["displayName eq 'unterminated", 'BadRequest', 'Invalid filter clause'],
    [
      "shoeSize eq '42'",
      'BadRequest',
      "Could not find a property named 'shoeSize' on type 'microsoft.graph.user'.",
    ],
    [
      "passwordPolicies eq 'None'",
      'Request_UnsupportedQuery',
      "Unsupported or invalid query filter clause specified for property 'passwordPolicies' of resource 'User'.",
    ],
  ])('refuses %s', async (filter, code, message) => {
    expect(await graphFailure(api('/users').filter(filter).get())).toMatchObject({
      status: 400,
      code,
      message,
    });
  });
});

describe('$top, $count, $search, $orderby, $select', () => {
  it('refuses $top=1000 and $top=0 with the documented text', async () => {
    expect(await graphFailure(api('/users').top(1000).get())).toMatchObject({
      status: 400,
      code: 'Request_UnsupportedQuery',
      message: "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
    });
    expect((await graphFailure(api('/users').top(0).get())).status).toBe(400);
  });

  it('ignores $count=true without the ConsistencyLevel header', async () => {
    const page = await list(api('/users').count(true).top(1));
    expect(page['@odata.count']).toBeUndefined();
  });

  it('serves /users/$count only with ConsistencyLevel: eventual', async () => {
    expect(await graphFailure(api('/users/$count').get())).toMatchObject({
      status: 400,
      code: 'Request_BadRequest',
      message: '$count is not currently supported.',
    });
    const count: unknown = await api('/users/$count').header('ConsistencyLevel', 'eventual').get();
    expect(Number(count)).toBe(harness.sandbox.store.userCount);
  });

  it('refuses $search without the header and searches with it', async () => {
    expect(await graphFailure(api('/users').search('"displayName:liam"').get())).toMatchObject({
      status: 400,
      code: 'Request_UnsupportedQuery',
      message:
        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    });
    const found = await list(
      api('/users').search('"displayName:o\'brien"').header('ConsistencyLevel', 'eventual'),
    );
    expect(found.value.map((user) => user.displayName)).toContain("Liam O'Brien");
    const either = await list(
      api('/users')
        .search('"displayName:liam" OR "mail:liam.o\'brien"')
        .header('ConsistencyLevel', 'eventual')
        .top(999),
    );
    const liams = storeUsers().filter((user) => /(^|\s)liam/i.test(user.displayName));
    expect(either.value.length).toBe(liams.length);
  });

  it('sorts by displayName, and needs advanced parameters to combine $orderby with $filter', async () => {
    const page = await list(api('/users').orderby('displayName').top(50));
    const names = page.value.map((user) => (user.displayName ?? '').toLowerCase());
    expect(names).toEqual([...names].sort());
    const failure = await graphFailure(
      api('/users').filter("startswith(displayName,'A')").orderby('displayName').get(),
    );
    expect(failure).toMatchObject({ status: 400, code: 'Request_UnsupportedQuery' });
  });

  it('refuses $select of single-user-only properties on lists with 501', async () => {
    expect((await graphFailure(api('/users').select('skills').get())).status).toBe(501);
  });
});

describe('paging', () => {
  it('pages 100 by default with a full-URL opaque $skiptoken nextLink and counts only on the first page', async () => {
    const first = await list(advanced(api('/users')));
    expect(first.value).toHaveLength(100);
    expect(first['@odata.count']).toBe(harness.sandbox.store.userCount);
    const nextLink = first['@odata.nextLink'] ?? '';
    expect(nextLink).toMatch(
      new RegExp(`^${harness.sandbox.baseUrl}v1\\.0/users\\?\\$skiptoken=[A-Za-z0-9_-]+$`),
    );
    const second = await list(api(nextPath(nextLink)));
    expect(second['@odata.count']).toBeUndefined();
    expect(second.value[0]?.id).not.toBe(first.value[0]?.id);
  });

  it('keeps a walk consistent while users are created and deleted mid-walk', async () => {
    const before = new Set(storeUsers().map((user) => user.id));
    const seen: string[] = [];
    let page = await list(api('/users').top(37).select('id'));
    const deletedBeforeSeen: string[] = [];
    const deletedAfterSeen: string[] = [];
    let round = 0;
    for (;;) {
      seen.push(...page.value.map((user) => user.id));
      round += 1;
      if (round === 2) {
        for (let index = 0; index < 15; index += 1) await api('/users').post(newUserBody(`mid.walk${index}`));
        const unseen = [...before].filter((id) => !seen.includes(id)).slice(-5);
        for (const id of unseen) await api(`/users/${id}`).delete();
        deletedBeforeSeen.push(...unseen);
        const seenOnes = seen.slice(0, 3);
        for (const id of seenOnes) await api(`/users/${id}`).delete();
        deletedAfterSeen.push(...seenOnes);
      }
      const next = page['@odata.nextLink'];
      if (next === undefined) break;
      page = await list(api(nextPath(next)));
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of deletedBeforeSeen) expect(seen).not.toContain(id);
    for (const id of deletedAfterSeen) expect(seen).toContain(id);
    const survivors = [...before].filter((id) => !deletedBeforeSeen.includes(id));
    for (const id of survivors) expect(seen).toContain(id);
  });

  it('refuses a damaged $skiptoken', async () => {
    expect((await graphFailure(api('/users?$skiptoken=bm90LWEtdG9rZW4').get())).status).toBe(400);
  });
});
