import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { graphFailure, newUserBody, openSandbox } from './graph-harness.js';
import type { SandboxHarness } from './graph-harness.js';

let harness: SandboxHarness;
const api = (path: string) => harness.graph.client.api(path);

beforeAll(async () => {
  harness = await openSandbox();
});
afterAll(async () => {
  await harness.sandbox.close();
});

const DEFAULT_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'id',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
];

describe('POST /users', () => {
  it('creates a user (201) and returns exactly the default property set', async () => {
    const created = (await api('/users').post(
      newUserBody('ada.lovelace', 'contoso.com', { mail: 'ada@contoso.com' }),
    )) as Record<string, unknown>;
    const { '@odata.context': context, ...properties } = created;
    expect(context).toMatch(/\/v1\.0\/\$metadata#users\/\$entity$/);
    expect(Object.keys(properties).sort()).toEqual(DEFAULT_PROPERTIES);
    expect(properties).toMatchObject({
      userPrincipalName: 'ada.lovelace@contoso.com',
      mail: 'ada@contoso.com',
    });
    const stored = harness.sandbox.store.findUser('ADA.LOVELACE@contoso.com');
    expect(stored?.proxyAddresses).toEqual(['SMTP:ada@contoso.com']);
    expect(stored?.password).toBe('Xq7#mZ2!vR9p');
    expect(stored?.forceChangePasswordNextSignIn).toBe(true);
  });

  it.each([
    [
      'an unknown property',
      { favouriteColour: 'blue' },
      'Request_BadRequest',
      "Invalid property 'favouriteColour'.",
    ],
    [
      'a read-only property',
      { proxyAddresses: ['SMTP:x@contoso.com'] },
      'Request_BadRequest',
      "Property 'proxyAddresses' is read-only and cannot be set.",
    ],
    ['a wrong type', { accountEnabled: 'yes' }, 'BadRequest', expect.stringContaining("'Edm.Boolean'")],
    [
      'a too long givenName',
      { givenName: 'g'.repeat(65) },
      'Request_BadRequest',
      "Invalid value specified for property 'givenName' of resource 'User'.",
    ],
    [
      'two businessPhones',
      { businessPhones: ['+1 1', '+1 2'] },
      'Request_BadRequest',
      "Invalid value specified for property 'businessPhones' of resource 'User'.",
    ],
    [
      'a bad mailNickname',
      { mailNickname: 'has space' },
      'Request_BadRequest',
      "Invalid value specified for property 'mailNickname' of resource 'User'.",
    ],
    [
      'an empty displayName',
      { displayName: '' },
      'Request_BadRequest',
      "Invalid value specified for property 'displayName' of resource 'User'.",
    ],
    [
      'an invalid usageLocation',
      { usageLocation: 'XX' },
      'Request_BadRequest',
      "Invalid value specified for property 'usageLocation' of resource 'User'.",
    ],
  ])('refuses %s with 400', async (_case, extra, code, message) => {
    const failure = await graphFailure(api('/users').post(newUserBody('bad.input', 'contoso.com', extra)));
    expect(failure.status).toBe(400);
    expect(failure.code).toBe(code);
    expect(failure.message).toEqual(message);
  });

  it.each(['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName'])(
    'refuses a body without %s',
    async (property) => {
      const body = Object.fromEntries(
        Object.entries(newUserBody('missing.prop')).filter(([key]) => key !== property),
      );
      const failure = await graphFailure(api('/users').post(body));
      expect(failure.status).toBe(400);
      expect(failure.message).toBe(`Property ${property} value is required but is empty or missing.`);
    },
  );

  it('refuses a body without passwordProfile.password with the documented text', async () => {
    const failure = await graphFailure(
      api('/users').post(newUserBody('no.password', 'contoso.com', { passwordProfile: {} })),
    );
    expect(failure).toMatchObject({
      status: 400,
      code: 'Request_BadRequest',
      message: 'A password must be specified to create a new user.',
    });
  });

  it.each([
    ['bad characters', 'not*valid@contoso.com', 'Property userPrincipalName is invalid.'],
    ['a dot before @', 'trailing.@contoso.com', 'Property userPrincipalName is invalid.'],
    [
      'a local part over 64 characters',
      `${'a'.repeat(65)}@contoso.com`,
      'Property userPrincipalName is invalid.',
    ],
    [
      'an unverified domain',
      'someone@fabrikam.com',
      'The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.',
    ],
  ])('refuses a UPN with %s', async (_case, upn, message) => {
    const failure = await graphFailure(
      api('/users').post({ ...newUserBody('upn.case'), userPrincipalName: upn }),
    );
    expect(failure).toMatchObject({ status: 400, code: 'Request_BadRequest', message });
  });

  it('accepts a UPN in the initial onmicrosoft.com domain and with an apostrophe', async () => {
    const created = (await api('/users').post(newUserBody("sean.o'neill", 'contoso.onmicrosoft.com'))) as {
      id: string;
    };
    expect(harness.sandbox.store.activeUser(created.id)?.userPrincipalName).toBe(
      "sean.o'neill@contoso.onmicrosoft.com",
    );
  });

  it.each([
    ['too short', 'Ab1!xyz'],
    ['only two character classes', 'abcdefgh1234'],
    ['a banned common password', 'P@ssw0rd1!'],
    ['the tenant name', 'Contoso!1'],
  ])('refuses a password that is %s', async (_case, password) => {
    const failure = await graphFailure(
      api('/users').post(newUserBody('weak.password', 'contoso.com', { passwordProfile: { password } })),
    );
    expect(failure.message).toBe(
      'The specified password does not comply with password complexity requirements. Please provide a different password.',
    );
  });

  it("refuses a password built on the user's own name", async () => {
    const body = newUserBody('grace.hopper', 'contoso.com', {
      givenName: 'Grace',
      surname: 'Hopper',
      passwordProfile: { password: 'Hopper#12' },
    });
    const failure = await graphFailure(api('/users').post(body));
    expect(failure.status).toBe(400);
    expect(failure.message).toContain('password complexity');
  });

  it('refuses a UPN that differs only in case, with ObjectConflict details', async () => {
    await api('/users').post(newUserBody('linus.t'));
    const failure = await graphFailure(api('/users').post(newUserBody('LINUS.T')));
    const message = 'Another object with the same value for property userPrincipalName already exists.';
    expect(failure).toMatchObject({ status: 400, code: 'Request_BadRequest', message });
    expect(failure.body['details']).toEqual([
      { code: 'ObjectConflict', message, target: 'userPrincipalName' },
    ]);
  });

  it("refuses a mail that is another user's proxy address, case-insensitively", async () => {
    const seeded = [...harness.sandbox.store.activeUsers()].find((user) => user.proxyAddresses.length > 1);
    const alias = seeded?.proxyAddresses[1]?.replace(/^smtp:/i, '') ?? '';
    expect(alias).toContain('@');
    const failure = await graphFailure(
      api('/users').post(newUserBody('alias.taker', 'contoso.com', { mail: alias.toUpperCase() })),
    );
    expect(failure).toMatchObject({
      status: 400,
      message: 'Another object with the same value for property proxyAddresses already exists.',
    });
  });
});

describe('GET /users/{id | userPrincipalName}', () => {
  it('finds a user by id and by UPN in any case, with the default property set', async () => {
    const created = (await api('/users').post(newUserBody('find.me'))) as { id: string };
    const byId = (await api(`/users/${created.id}`).get()) as Record<string, unknown>;
    const byUpn = (await api('/users/FIND.ME@contoso.com').get()) as Record<string, unknown>;
    expect(byUpn['id']).toBe(created.id);
    const { '@odata.context': _context, ...properties } = byId;
    expect(Object.keys(properties).sort()).toEqual(DEFAULT_PROPERTIES);
  });

  it('returns exactly the $select list, including properties outside the default set', async () => {
    const user = (await api('/users/find.me@contoso.com')
      .select(['accountEnabled', 'usageLocation', 'createdDateTime'])
      .get()) as Record<string, unknown>;
    expect(user['@odata.context']).toMatch(
      /#users\(accountEnabled,usageLocation,createdDateTime\)\/\$entity$/,
    );
    expect(
      Object.keys(user)
        .filter((key) => !key.startsWith('@'))
        .sort(),
    ).toEqual(['accountEnabled', 'createdDateTime', 'usageLocation']);
    expect(user['accountEnabled']).toBe(true);
  });

  it('answers an unknown user with 404 echoing the key as sent', async () => {
    const failure = await graphFailure(api('/users/nobody@contoso.com').get());
    expect(failure).toMatchObject({
      status: 404,
      code: 'Request_ResourceNotFound',
      message:
        "Resource 'nobody@contoso.com' does not exist or one of its queried reference-property objects are not present.",
    });
  });

  it('refuses $select of an unknown property', async () => {
    const failure = await graphFailure(api('/users/find.me@contoso.com').select('shoeSize').get());
    expect(failure.status).toBe(400);
  });
});

describe('PATCH /users/{id}', () => {
  it('updates the given properties and answers 204', async () => {
    const created = (await api('/users').post(newUserBody('patch.me'))) as { id: string };
    const result: unknown = await api(`/users/${created.id}`).patch({
      jobTitle: 'Engineer',
      businessPhones: ['+1 555 0100'],
    });
    expect(result).toBeUndefined();
    const stored = harness.sandbox.store.activeUser(created.id);
    expect(stored?.jobTitle).toBe('Engineer');
    expect(stored?.businessPhones).toEqual(['+1 555 0100']);
  });

  it('refuses to clear displayName', async () => {
    const failure = await graphFailure(api('/users/patch.me@contoso.com').patch({ displayName: null }));
    expect(failure.status).toBe(400);
    expect(failure.message).toBe("Invalid value specified for property 'displayName' of resource 'User'.");
  });

  it('makes a new mail the primary SMTP address and keeps the old one as an alias', async () => {
    await api('/users/patch.me@contoso.com').patch({ mail: 'first@contoso.com' });
    await api('/users/patch.me@contoso.com').patch({ mail: 'second@contoso.com' });
    expect(harness.sandbox.store.findUser('patch.me@contoso.com')?.proxyAddresses).toEqual([
      'SMTP:second@contoso.com',
      'smtp:first@contoso.com',
    ]);
  });

  it('resets a password: stores it, stamps lastPasswordChangeDateTime, checks complexity', async () => {
    const before = harness.sandbox.store.findUser('patch.me@contoso.com');
    harness.sandbox.clock.advance(60_000);
    await api('/users/patch.me@contoso.com').patch({
      passwordProfile: { password: 'Nw8$kLp2@qZx', forceChangePasswordNextSignIn: false },
    });
    const after = harness.sandbox.store.findUser('patch.me@contoso.com');
    expect(after?.password).toBe('Nw8$kLp2@qZx');
    expect(after?.forceChangePasswordNextSignIn).toBe(false);
    expect(Date.parse(after?.lastPasswordChangeDateTime ?? '')).toBeGreaterThan(
      Date.parse(before?.lastPasswordChangeDateTime ?? ''),
    );
    const failure = await graphFailure(
      api('/users/patch.me@contoso.com').patch({ passwordProfile: { password: 'short' } }),
    );
    expect(failure.message).toContain('password complexity');
  });

  it('refuses a UPN change onto a taken UPN', async () => {
    const failure = await graphFailure(
      api('/users/patch.me@contoso.com').patch({ userPrincipalName: 'Find.Me@contoso.com' }),
    );
    expect(failure.message).toBe(
      'Another object with the same value for property userPrincipalName already exists.',
    );
  });
});

describe('DELETE /users/{id}', () => {
  it('soft-deletes (204): the user disappears from /users and appears in deletedItems', async () => {
    const created = (await api('/users').post(newUserBody('delete.me'))) as { id: string };
    await api(`/users/${created.id}`).delete();
    expect((await graphFailure(api(`/users/${created.id}`).get())).status).toBe(404);
    const deleted = (await api(`/directory/deletedItems/${created.id}`).get()) as Record<string, unknown>;
    expect(deleted['@odata.type']).toBe('#microsoft.graph.user');
    expect(typeof deleted['deletedDateTime']).toBe('string');
  });
});
