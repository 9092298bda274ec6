import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { NewM365User, RequestTrace } from '../../commands/engine/ports.js';
import { M365_USER_PROPERTIES } from '../../commands/engine/m365.js';
import { graphRequests, openGateway, writableUsers } from './harness.js';
import type { GatewayHarness } from './harness.js';

/** Every M365Directory method against the sandbox, through the real msal-node and graph-client. */
let harness: GatewayHarness;
const USERS = 1_200;

beforeAll(async () => {
  harness = await openGateway({ size: USERS, domains: ['contoso.com', 'fabrikam.com'], timeScale: 50 });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.sandbox.inspection.reset();
});

const newTrace = (): RequestTrace => ({ requestIds: [] });
const sandboxUser = (id: string) => harness.sandbox.inspection.users().find((user) => user.id === id);
const loggedRequestIds = (): Set<string> =>
  new Set(harness.sandbox.inspection.requests().map((record) => record.requestId));

function newUser(localPart: string, overrides: Partial<NewM365User> = {}): NewM365User {
  return {
    userPrincipalName: `${localPart}@contoso.com`,
    mail: `${localPart}@contoso.com`,
    mailNickname: localPart.replace(/[^A-Za-z0-9]/g, ''),
    displayName: `New ${localPart}`,
    givenName: 'New',
    surname: localPart,
    jobTitle: 'Analyst',
    department: 'Finance',
    companyName: null,
    employeeId: null,
    streetAddress: null,
    city: 'Oslo',
    state: null,
    postalCode: null,
    country: 'Norway',
    mobilePhone: null,
    businessPhones: ['+47 22 00 00 00'],
    usageLocation: 'NO',
    accountEnabled: true,
    password: 'Xq7#mZ2!vR9p-Blue',
    forceChangePasswordNextSignIn: true,
    ...overrides,
  };
}

describe('getTenantInfo', () => {
  it('reads the tenant id, name and domains from /organization and /domains', async () => {
    const info = await harness.gateway.getTenantInfo();
    expect(info.tenantId).toBe(harness.sandbox.options.tenantId);
    expect(info.displayName).toBe('Contoso');
    expect(info.domains).toEqual(
      expect.arrayContaining([
        { name: 'contoso.com', federated: false, isDefault: true, isInitial: false, verified: true },
        {
          name: 'contoso.onmicrosoft.com',
          federated: false,
          isDefault: false,
          isInitial: true,
          verified: true,
        },
      ]),
    );
  });

  it('marks the domains of a partner-managed tenant as federated', async () => {
    const partner = await openGateway({ size: 0, partnerManaged: true });
    try {
      const info = await partner.gateway.getTenantInfo();
      expect(info.domains.find((domain) => domain.name === 'contoso.com')?.federated).toBe(true);
      expect(info.domains.find((domain) => domain.isInitial)?.federated).toBe(false);
    } finally {
      await partner.close();
    }
  });
});

describe('listUsers', () => {
  it('pages through every user with $top=999 and the product $select, following nextLinks', async () => {
    const pages: number[] = [];
    const ids = new Set<string>();
    for await (const page of harness.gateway.listUsers()) {
      pages.push(page.length);
      for (const user of page) ids.add(user.id);
    }
    expect(pages).toEqual([999, USERS - 999]);
    expect(ids.size).toBe(USERS);
    const [first, second] = graphRequests(harness.sandbox);
    const query = new URLSearchParams(first?.query);
    expect(query.get('$top')).toBe('999');
    expect(query.get('$select')?.split(',')).toEqual([...M365_USER_PROPERTIES]);
    expect(new URLSearchParams(second?.query).has('$skiptoken')).toBe(true);
  });

  it('filters by department (an "&" in the value stays inside it) and by sign-in state', async () => {
    const expected = harness.sandbox.inspection
      .users()
      .filter((user) => user.department === 'Research & Development' && !user.accountEnabled).length;
    const expectedEnabled = harness.sandbox.inspection
      .users()
      .filter((user) => user.department === 'Research & Development' && user.accountEnabled).length;
    let disabled = 0;
    for await (const page of harness.gateway.listUsers({
      department: 'Research & Development',
      accountEnabled: false,
    }))
      disabled += page.length;
    let enabled = 0;
    for await (const page of harness.gateway.listUsers({
      department: 'Research & Development',
      accountEnabled: true,
    }))
      enabled += page.length;
    expect(expectedEnabled).toBeGreaterThan(0);
    expect([disabled, enabled]).toEqual([expected, expectedEnabled]);
  });

  it('restricts to mail or UPN domains', async () => {
    const fabrikam = harness.sandbox.inspection
      .users()
      .filter((user) =>
        [user.mail, user.userPrincipalName].some((a) => a?.toLowerCase().endsWith('@fabrikam.com')),
      );
    const seen: string[] = [];
    for await (const page of harness.gateway.listUsers({ domains: ['Fabrikam.com'] }))
      seen.push(...page.map((u) => u.id));
    expect(fabrikam.length).toBeGreaterThan(0);
    expect(seen.sort()).toEqual(fabrikam.map((user) => user.id).sort());
  });
});

describe('findUserByEmail', () => {
  it("finds exactly liam.o'brien, and the request log shows the escaped filter", async () => {
    const user = await harness.gateway.findUserByEmail("Liam.O'Brien@contoso.com");
    expect(user?.displayName).toBe("Liam O'Brien");
    const [request] = graphRequests(harness.sandbox);
    expect(new URLSearchParams(request?.query).get('$filter')).toBe(
      "mail eq 'Liam.O''Brien@contoso.com' or userPrincipalName eq 'Liam.O''Brien@contoso.com' or " +
        "proxyAddresses/any(p:p eq 'smtp:Liam.O''Brien@contoso.com')",
    );
    expect(request?.status).toBe(200);
  });

  it('finds a user by a secondary proxy address and a mailless user by UPN', async () => {
    const users = harness.sandbox.inspection.users();
    const aliased = users.find((user) => user.proxyAddresses.some((proxy) => proxy.startsWith('smtp:')));
    const alias = aliased?.proxyAddresses.find((proxy) => proxy.startsWith('smtp:'))?.slice(5) ?? '';
    const mailless = users.find((user) => user.mail === null && user.userType === 'Member');
    expect((await harness.gateway.findUserByEmail(alias))?.id).toBe(aliased?.id);
    expect((await harness.gateway.findUserByEmail(mailless?.userPrincipalName ?? ''))?.id).toBe(mailless?.id);
  });

  it('returns null for an unknown address, also one that tries to widen the query', async () => {
    expect(await harness.gateway.findUserByEmail('nobody+x&y@contoso.com')).toBeNull();
    expect(await harness.gateway.findUserByEmail("x' or mail ne 'y")).toBeNull();
  });
});

describe('users', () => {
  it('gets a user by id with the product properties, and null for an unknown id', async () => {
    const [someone] = writableUsers(harness.sandbox);
    const user = await harness.gateway.getUser(someone?.id ?? '');
    expect(user).toMatchObject({ id: someone?.id, mail: someone?.mail, userType: 'Member' });
    expect(await harness.gateway.getUser('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('creates a user and returns it with its new id and the attributes sent', async () => {
    const trace = newTrace();
    const created = await harness.gateway.createUser(newUser('nora.berg'), trace);
    expect(created).toMatchObject({
      userPrincipalName: 'nora.berg@contoso.com',
      mail: 'nora.berg@contoso.com',
      department: 'Finance',
      usageLocation: 'NO',
      accountEnabled: true,
      businessPhones: ['+47 22 00 00 00'],
    });
    const stored = sandboxUser(created.id);
    expect(stored).toMatchObject({
      password: 'Xq7#mZ2!vR9p-Blue',
      forceChangePasswordNextSignIn: true,
      city: 'Oslo',
    });
    expect(trace.requestIds.length).toBeGreaterThan(0);
  });

  it('updates the attributes it is given, and sends nothing for an empty patch', async () => {
    const [someone] = writableUsers(harness.sandbox);
    const id = someone?.id ?? '';
    await harness.gateway.updateUser(id, {
      jobTitle: 'Chief Tester',
      mobilePhone: null,
      accountEnabled: false,
    });
    expect(sandboxUser(id)).toMatchObject({
      jobTitle: 'Chief Tester',
      mobilePhone: null,
      accountEnabled: false,
    });
    harness.sandbox.inspection.reset();
    await harness.gateway.updateUser(id, {});
    expect(graphRequests(harness.sandbox)).toHaveLength(0);
  });

  it('sets a password with the force-change flag, and revokes sign-in sessions', async () => {
    const [, someone] = writableUsers(harness.sandbox);
    const id = someone?.id ?? '';
    const before = sandboxUser(id)?.signInSessionsValidFromDateTime ?? '';
    harness.sandbox.clock.advance(60_000);
    await harness.gateway.setPassword(id, 'Gx4!rTq9#Lm2-Green', false);
    await harness.gateway.revokeSignInSessions(id);
    const stored = sandboxUser(id);
    expect(stored).toMatchObject({ password: 'Gx4!rTq9#Lm2-Green', forceChangePasswordNextSignIn: false });
    expect(Date.parse(stored?.signInSessionsValidFromDateTime ?? '')).toBeGreaterThan(Date.parse(before));
  });
});

describe('licences and mail', () => {
  it('lists the subscribed SKUs with their seats', async () => {
    const skus = await harness.gateway.listSubscribedSkus();
    const visio = skus.find((sku) => sku.skuPartNumber === 'VISIOCLIENT');
    expect(skus.map((sku) => sku.skuPartNumber)).toEqual(expect.arrayContaining(['SPE_E3', 'VISIOCLIENT']));
    expect(visio?.consumedUnits).toBe(visio?.prepaidUnits.enabled);
  });

  it('assigns a licence', async () => {
    const created = await harness.gateway.createUser(newUser('ola.lic'));
    const skus = await harness.gateway.listSubscribedSkus();
    const e3 = skus.find((sku) => sku.skuPartNumber === 'SPE_E3');
    await harness.gateway.assignLicence(created.id, e3?.skuId ?? '');
    expect(sandboxUser(created.id)?.assignedLicenses.map((licence) => licence.skuId)).toEqual([e3?.skuId]);
    const after = await harness.gateway.listSubscribedSkus();
    expect(after.find((sku) => sku.skuId === e3?.skuId)?.consumedUnits).toBe((e3?.consumedUnits ?? 0) + 1);
  });

  it('sends an HTML mail from a mailbox without keeping it in Sent Items', async () => {
    await harness.gateway.sendMail("liam.o'brien@contoso.com", {
      to: 'nora.berg@contoso.com',
      subject: 'Welcome',
      html: '<p>Hello</p>',
    });
    expect(harness.sandbox.inspection.sentMail()).toEqual([
      expect.objectContaining({
        from: "liam.o'brien@contoso.com",
        toRecipients: ['nora.berg@contoso.com'],
        subject: 'Welcome',
        contentType: 'HTML',
        content: '<p>Hello</p>',
        saveToSentItems: false,
      }),
    ]);
  });
});

describe('request tracing', () => {
  it('appends the request-id of every request each method made', async () => {
    const [someone] = writableUsers(harness.sandbox);
    const id = someone?.id ?? '';
    const trace = newTrace();
    await harness.gateway.getTenantInfo(trace);
    await harness.gateway.getUser(id, trace);
    await harness.gateway.findUserByEmail(someone?.mail ?? '', trace);
    await harness.gateway.updateUser(id, { jobTitle: 'Traced' }, trace);
    await harness.gateway.listSubscribedSkus(trace);
    for await (const page of harness.gateway.listUsers({ department: 'IT' }, trace))
      expect(page.length).toBeGreaterThan(0);
    const logged = loggedRequestIds();
    expect(trace.requestIds.length).toBeGreaterThanOrEqual(6);
    expect(trace.requestIds.every((requestId) => logged.has(requestId))).toBe(true);
  });
});
