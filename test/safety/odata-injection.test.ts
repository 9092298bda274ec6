/**
 * OData injection never widens a Graph query. Text typed in chat reaches Microsoft Graph's $filter in two
 * places: an address the engine looks up (import, bind, …) and import-preview's --department. Attempts are sent
 * through the real chat core as its admin; the sandbox tenant's request log shows each $filter exactly as Graph
 * received it. Each must hold the typed text as one escaped string literal, and evaluated by the sandbox's own
 * OData engine it must match no more users than that literal names.
 * (test/graph/odata.test.ts covers the escaping function itself.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseFilter, type FilterNode, type Literal } from '../../sandbox/odata/filter-parser.js';
import { compileUserFilter } from '../../sandbox/odata/user-filter.js';
import type { RequestRecord } from '../../sandbox/inspection.js';
import { directoryUser } from '../support/engine.js';
import { cardText, openChat, USERS, type ChatHarness } from '../support/chat.js';
import { tenantWrites } from './state.js';

let chat: ChatHarness;
let domain: string;
let obrien: string;

beforeAll(async () => {
  chat = await openChat(import.meta.url);
  obrien =
    chat.engine.sandbox.inspection.users().find((user) => user.userPrincipalName.includes("'"))
      ?.userPrincipalName ?? '';
  domain = obrien.slice(obrien.indexOf('@') + 1);
});
afterAll(async () => {
  await chat.close();
});

/** The $filter of every request to /users, decoded as Graph decodes it. */
function filtersSent(): { record: RequestRecord; filter: string }[] {
  return chat.engine.sandbox.inspection.requests().flatMap((record) => {
    const filter = new URLSearchParams(record.query).get('$filter');
    return /^\/v1\.0\/users\/?$/i.test(record.path) && filter !== null ? [{ record, filter }] : [];
  });
}

/** Every string literal in a parsed $filter, in order. */
function stringLiterals(node: FilterNode): string[] {
  const literal = (value: Literal): string[] => (value.type === 'string' ? [value.value] : []);
  switch (node.kind) {
    case 'and':
    case 'or':
      return [...stringLiterals(node.left), ...stringLiterals(node.right)];
    case 'not':
      return stringLiterals(node.operand);
    case 'compare':
    case 'function':
      return literal(node.value);
    case 'in':
      return node.values.flatMap(literal);
    case 'lambda':
      return stringLiterals(node.body);
  }
}

/** The properties a parsed $filter compares, and whether it calls a function (startswith …). */
function shapeOf(node: FilterNode): string[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      return [...shapeOf(node.left), node.kind, ...shapeOf(node.right)];
    case 'not':
      return ['not', ...shapeOf(node.operand)];
    case 'compare':
      return [`${node.target.name} ${node.operator}`];
    case 'in':
      return [`${node.target.name} in`];
    case 'function':
      return [`${node.name}(${node.target.name})`];
    case 'lambda':
      return [`${node.collection}/${node.quantifier}(`, ...shapeOf(node.body), ')'];
  }
}

/** How many of the tenant's users a $filter matches, by the sandbox's own evaluation. */
function matches(filter: string): number {
  const predicate = compileUserFilter(filter, false);
  return chat.engine.sandbox.inspection.users().filter((user) => predicate(user)).length;
}

const EMAIL_LOOKUP = ['mail eq', 'or', 'userPrincipalName eq', 'or', 'proxyAddresses/any(', 'p eq', ')'];

/** Sends as the admin and waits for the plan; the Graph $filters it caused. */
async function sent(text: string) {
  chat.engine.sandbox.inspection.reset();
  const answer = await chat.send(USERS.admin, text);
  return { answer, filters: filtersSent() };
}

describe('addresses with quotes, looked up in Microsoft 365', () => {
  it("finds O'Brien with one escaped literal and exactly him", async () => {
    const { answer, filters } = await sent(`import ${obrien}`);
    expect(filters.length).toBeGreaterThan(0);
    for (const { filter } of filters) {
      expect(filter).toContain(`'${obrien.replace(/'/g, "''")}'`);
      expect(shapeOf(parseFilter(filter))).toEqual(EMAIL_LOOKUP);
      expect(stringLiterals(parseFilter(filter))).toEqual([obrien, obrien, `smtp:${obrien}`]);
      expect(matches(filter)).toBe(1);
    }
    expect(cardText(chat.card(answer.message))).toContain(obrien);
  });

  it.each(["x'or'1'eq'1@DOMAIN", "liam.o'brien'or'startswith'mail@DOMAIN", "a''or''mail''ne''b@DOMAIN"])(
    'keeps the quotes of %p inside the literal, matching nobody',
    async (address) => {
      const typed = address.replace('DOMAIN', domain);
      const { filters } = await sent(`import ${typed}`);
      expect(filters.length).toBeGreaterThan(0);
      for (const { filter } of filters) {
        expect(shapeOf(parseFilter(filter))).toEqual(EMAIL_LOOKUP);
        expect(stringLiterals(parseFilter(filter))).toEqual([typed, typed, `smtp:${typed}`]);
        expect(matches(filter)).toBe(0);
      }
    },
  );

  it('plans a bind of a directory user whose address has quotes with the same escaped lookup', async () => {
    const typed = `ann.o'neil'or'x@${domain}`;
    await chat.engine.repositories.users.insert(directoryUser(typed));
    const { filters } = await sent(`bind "${typed}" --no-welcome`);
    expect(filters.length).toBeGreaterThan(0);
    for (const { filter } of filters) {
      expect(stringLiterals(parseFilter(filter))).toEqual([typed, typed, `smtp:${typed}`]);
      expect(matches(filter)).toBe(0);
    }
    expect(tenantWrites(chat.engine.sandbox)).toEqual([]);
  });

  it('refuses text that is no address before anything reaches Microsoft 365', async () => {
    for (const text of [
      `status o'brien' or startswith(mail,'a')@${domain}`,
      `import "o'brien' or startswith(mail,'a')@${domain}"`,
      `bind "x' or 1 eq 1 or mail eq 'y@${domain}"`,
      `block $filter=startswith(mail,'a')`,
    ]) {
      const { answer, filters } = await sent(text);
      expect({ text, visibility: answer.replies.map((reply) => reply.visibility) }).toEqual({
        text,
        visibility: ['private'],
      });
      expect(filters).toEqual([]);
      expect(chat.engine.sandbox.inspection.requests()).toEqual([]);
    }
  });
});

describe("import-preview's --department, filtered by Microsoft 365", () => {
  it('sends a plain department as one literal, matching exactly that department', async () => {
    const sales = chat.engine.sandbox.inspection.users().filter((user) => user.department === 'Sales').length;
    const { filters } = await sent('import-preview --all --department Sales');
    expect(filters.map(({ filter }) => filter)).toEqual(["department eq 'Sales'"]);
    expect(matches("department eq 'Sales'")).toBe(sales);
  });

  it.each([
    "Sales' or startswith(mail,'a') or department eq 'x",
    "Sales') or (accountEnabled eq true",
    "' or 1 eq 1 or department eq '",
    "x' or proxyAddresses/any(p:startswith(p,'smtp:')) or department eq 'y",
  ])('keeps %p inside the literal: no other clause, nobody matched', async (department) => {
    const { answer, filters } = await sent(`import-preview --all --department "${department}"`);
    expect(filters.length).toBeGreaterThan(0);
    for (const { filter } of filters) {
      expect(shapeOf(parseFilter(filter))).toEqual(['department eq']);
      expect(stringLiterals(parseFilter(filter))).toEqual([department]);
      expect(matches(filter)).toBe(0);
    }
    expect(cardText(chat.card(answer.message))).toMatch(/Shown: 0/);
  });
});
