import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { graphFailure, newUserBody, openSandbox } from './graph-harness.js';
import type { SandboxHarness } from './graph-harness.js';

const INVALID_VALUES = 'One or more properties contains invalid values.';

describe('directory-synced users', () => {
  let harness: SandboxHarness;
  beforeAll(async () => {
    harness = await openSandbox();
  });
  afterAll(async () => {
    await harness.sandbox.close();
  });

  it('refuses writes to on-premises-mastered attributes but allows cloud ones', async () => {
    const synced = [...harness.sandbox.store.activeUsers()].find(
      (user) => user.onPremisesSyncEnabled === true,
    );
    expect(synced).toBeDefined();
    const api = harness.graph.client.api(`/users/${synced?.id ?? ''}`);
    const failure = await graphFailure(api.patch({ jobTitle: 'Changed in the cloud' }));
    expect(failure).toMatchObject({
      status: 400,
      code: 'Request_BadRequest',
      message:
        'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
    });
    await harness.graph.client.api(`/users/${synced?.id ?? ''}`).patch({ usageLocation: 'DE' });
    expect(harness.sandbox.store.activeUser(synced?.id ?? '')?.usageLocation).toBe('DE');
  });

  it('reports onPremisesSyncEnabled on the organization', async () => {
    const organization = (await harness.graph.client.api('/organization').get()) as {
      value: Record<string, unknown>[];
    };
    expect(organization.value[0]?.['onPremisesSyncEnabled']).toBe(true);
  });
});

describe('partner-managed (GoDaddy-style) tenant', () => {
  let harness: SandboxHarness;
  const api = (path: string) => harness.graph.client.api(path);
  beforeAll(async () => {
    harness = await openSandbox({ partnerManaged: true });
  });
  afterAll(async () => {
    await harness.sandbox.close();
  });

  it('shows the custom domain as federated in /domains and /organization', async () => {
    const domains = (await api('/domains').get()) as {
      value: { id: string; authenticationType: string; isInitial: boolean }[];
    };
    expect(domains.value).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'contoso.com', authenticationType: 'Federated', isInitial: false }),
        expect.objectContaining({
          id: 'contoso.onmicrosoft.com',
          authenticationType: 'Managed',
          isInitial: true,
        }),
      ]),
    );
    const organization = (await api('/organization').get()) as {
      value: { verifiedDomains: { name: string; type: string }[] }[];
    };
    expect(organization.value[0]?.verifiedDomains).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'contoso.com', type: 'Federated' })]),
    );
  });

  it("shows the partner's identity provider in federationConfiguration", async () => {
    const federated = (await api('/domains/contoso.com/federationConfiguration').get()) as {
      value: Record<string, unknown>[];
    };
    expect(federated.value).toHaveLength(1);
    expect(typeof federated.value[0]?.['issuerUri']).toBe('string');
    expect(typeof federated.value[0]?.['passiveSignInUri']).toBe('string');
    const managed = (await api('/domains/contoso.onmicrosoft.com/federationConfiguration').get()) as {
      value: unknown[];
    };
    expect(managed.value).toEqual([]);
  });

  it('refuses a federated-domain user without onPremisesImmutableId or with a passwordProfile', async () => {
    const withoutImmutableId = await graphFailure(api('/users').post(newUserBody('fed.user')));
    expect(withoutImmutableId).toMatchObject({ status: 400, message: INVALID_VALUES });
    const { passwordProfile: _password, ...noPassword } = newUserBody('fed.user');
    const withPassword = await graphFailure(
      api('/users').post({ ...newUserBody('fed.user'), onPremisesImmutableId: 'aW1tdXRhYmxl' }),
    );
    expect(withPassword).toMatchObject({ status: 400, message: INVALID_VALUES });
    const created = (await api('/users').post({ ...noPassword, onPremisesImmutableId: 'aW1tdXRhYmxl' })) as {
      id: string;
    };
    const reset = await graphFailure(
      api(`/users/${created.id}`).patch({ passwordProfile: { password: 'Nw8$kLp2@qZx' } }),
    );
    expect(reset).toMatchObject({ status: 400, message: INVALID_VALUES });
  });

  it('still manages users in the initial onmicrosoft.com domain', async () => {
    const created = (await api('/users').post(newUserBody('cloud.only', 'contoso.onmicrosoft.com'))) as {
      id: string;
    };
    await api(`/users/${created.id}`).patch({ passwordProfile: { password: 'Nw8$kLp2@qZx' } });
    expect(harness.sandbox.store.activeUser(created.id)?.password).toBe('Nw8$kLp2@qZx');
  });
});

describe('permissions from the token roles', () => {
  const DENIED = {
    status: 403,
    code: 'Authorization_RequestDenied',
    message: 'Insufficient privileges to complete the operation.',
  };

  it('lets a read-only app read but not write, license, read SKUs or send mail', async () => {
    const readOnly = await openSandbox({ grantedPermissions: ['User.Read.All'] });
    try {
      const api = (path: string) => readOnly.graph.client.api(path);
      const someone = [...readOnly.sandbox.store.activeUsers()][0]?.id ?? '';
      await api('/users').top(1).get();
      expect(await graphFailure(api('/users').post(newUserBody('denied')))).toMatchObject(DENIED);
      expect(await graphFailure(api(`/users/${someone}`).patch({ jobTitle: 'x' }))).toMatchObject(DENIED);
      expect(await graphFailure(api(`/users/${someone}`).delete())).toMatchObject(DENIED);
      expect(await graphFailure(api('/subscribedSkus').get())).toMatchObject(DENIED);
      expect(await graphFailure(api(`/users/${someone}/revokeSignInSessions`).post({}))).toMatchObject(
        DENIED,
      );
      expect(await graphFailure(api(`/users/${someone}/sendMail`).post({}))).toMatchObject(DENIED);
      const licence = { addLicenses: [], removeLicenses: [] };
      expect(await graphFailure(api(`/users/${someone}/assignLicense`).post(licence))).toMatchObject(DENIED);
    } finally {
      await readOnly.sandbox.close();
    }
  });

  it('needs the User Administrator role for password resets, even with User.ReadWrite.All', async () => {
    const noRole = await openSandbox({ userAdministratorRole: false });
    try {
      const someone =
        [...noRole.sandbox.store.activeUsers()].find((user) => user.onPremisesSyncEnabled !== true)?.id ?? '';
      const api = noRole.graph.client.api(`/users/${someone}`);
      expect(await graphFailure(api.patch({ passwordProfile: { password: 'Nw8$kLp2@qZx' } }))).toMatchObject(
        DENIED,
      );
      await noRole.graph.client.api(`/users/${someone}`).patch({ jobTitle: 'Still writable' });
    } finally {
      await noRole.sandbox.close();
    }
  });

  it('accepts the least-privileged permissions for password resets and account blocking', async () => {
    const narrow = await openSandbox({
      grantedPermissions: [
        'User.Read.All',
        'User-PasswordProfile.ReadWrite.All',
        'User.EnableDisableAccount.All',
      ],
    });
    try {
      const someone =
        [...narrow.sandbox.store.activeUsers()].find((user) => user.onPremisesSyncEnabled !== true)?.id ?? '';
      const api = (path: string) => narrow.graph.client.api(path);
      await api(`/users/${someone}`).patch({ passwordProfile: { password: 'Nw8$kLp2@qZx' } });
      await api(`/users/${someone}`).patch({ accountEnabled: false });
      expect(narrow.sandbox.store.activeUser(someone)?.accountEnabled).toBe(false);
      expect(await graphFailure(api(`/users/${someone}`).patch({ jobTitle: 'x' }))).toMatchObject(DENIED);
    } finally {
      await narrow.sandbox.close();
    }
  });
});
