import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { graphFailure, newUserBody, openSandbox } from './graph-harness.js';
import type { SandboxHarness } from './graph-harness.js';

const HOUR_MS = 60 * 60 * 1000;
const PROXY_CONFLICT = 'Another object with the same value for property proxyAddresses already exists.';

let harness: SandboxHarness;
const api = (path: string) => harness.graph.client.api(path);

beforeAll(async () => {
  // These tests move the sandbox clock by days; MSAL caches tokens by real time, so tokens must outlive that.
  harness = await openSandbox({ addressHoldMs: 24 * HOUR_MS, tokenLifetimeSeconds: 30 * 24 * 3600 });
});
afterAll(async () => {
  await harness.sandbox.close();
});

describe('deleted-address hold', () => {
  it("refuses to reuse a deleted user's address until the hold ends on the sandbox clock", async () => {
    const body = newUserBody('hold.me', 'contoso.com', { mail: 'hold.me@contoso.com' });
    const first = (await api('/users').post(body)) as { id: string };
    await api(`/users/${first.id}`).delete();

    const refused = await graphFailure(api('/users').post(body));
    expect(refused).toMatchObject({ status: 400, code: 'Request_BadRequest', message: PROXY_CONFLICT });
    const other = (await api('/users').post(newUserBody('someone.else'))) as { id: string };
    const patchRefused = await graphFailure(api(`/users/${other.id}`).patch({ mail: 'HOLD.ME@contoso.com' }));
    expect(patchRefused.message).toBe(PROXY_CONFLICT);

    harness.sandbox.clock.advance(23 * HOUR_MS);
    expect((await graphFailure(api('/users').post(body))).message).toBe(PROXY_CONFLICT);
    harness.sandbox.clock.advance(HOUR_MS + 1000);
    const second = (await api('/users').post(body)) as { id: string };
    expect(second.id).not.toBe(first.id);
  });
});

describe('directory/deletedItems', () => {
  it('lists deleted users through the microsoft.graph.user cast, restores and purges them', async () => {
    const created = (await api('/users').post(newUserBody('restore.me'))) as { id: string };
    await api(`/users/${created.id}`).delete();
    const listed = (await api('/directory/deletedItems/microsoft.graph.user').get()) as {
      value: { id: string }[];
    };
    expect(listed.value.map((user) => user.id)).toContain(created.id);
    expect((await graphFailure(api('/directory/deletedItems').get())).status).toBe(400);

    const restored = (await api(`/directory/deletedItems/${created.id}/restore`).post({})) as Record<
      string,
      unknown
    >;
    expect(restored['id']).toBe(created.id);
    expect(restored['deletedDateTime']).toBeNull();
    expect(((await api(`/users/${created.id}`).get()) as { id: string }).id).toBe(created.id);

    await api(`/users/${created.id}`).delete();
    await api(`/directory/deletedItems/${created.id}`).delete();
    expect((await graphFailure(api(`/directory/deletedItems/${created.id}`).get())).status).toBe(404);
  });

  it('lets a new user take a soft-deleted UPN; restoring the old one then needs a new UPN', async () => {
    const noHold = await openSandbox({ addressHoldMs: 0 });
    try {
      const client = (path: string) => noHold.graph.client.api(path);
      const old = (await client('/users').post(newUserBody('reused.name'))) as { id: string };
      await client(`/users/${old.id}`).delete();
      await client('/users').post(newUserBody('reused.name'));
      const conflict = await graphFailure(client(`/directory/deletedItems/${old.id}/restore`).post({}));
      expect(conflict.message).toBe(
        'Another object with the same value for property userPrincipalName already exists.',
      );
      const restored = (await client(`/directory/deletedItems/${old.id}/restore`).post({
        newUserPrincipalName: 'reused.name2@contoso.com',
        autoReconcileProxyConflict: true,
      })) as { userPrincipalName: string };
      expect(restored.userPrincipalName).toBe('reused.name2@contoso.com');
    } finally {
      await noHold.sandbox.close();
    }
  });
});

describe('revokeSignInSessions', () => {
  it('answers 200 {value: true} and moves signInSessionsValidFromDateTime to now', async () => {
    const created = (await api('/users').post(newUserBody('revoke.me'))) as { id: string };
    harness.sandbox.clock.advance(5 * 60_000);
    const result = (await api(`/users/${created.id}/revokeSignInSessions`).post({})) as Record<
      string,
      unknown
    >;
    expect(result['value']).toBe(true);
    const user = (await api(`/users/${created.id}`)
      .select('signInSessionsValidFromDateTime')
      .get()) as Record<string, string>;
    expect(
      Math.abs(Date.parse(user['signInSessionsValidFromDateTime'] ?? '') - harness.sandbox.clock.now()),
    ).toBeLessThan(5_000);
  });
});

describe('sendMail', () => {
  const message = {
    message: {
      subject: 'Welcome',
      body: { contentType: 'Text', content: 'Your account is ready.' },
      toRecipients: [{ emailAddress: { address: 'manager@contoso.com' } }],
    },
    saveToSentItems: false,
  };

  it('accepts a valid message with 202 and records it for inspection', async () => {
    const sender = [...harness.sandbox.store.activeUsers()].find((user) => user.mail !== null);
    await api(`/users/${sender?.id ?? ''}/sendMail`).post(message);
    expect(harness.sandbox.inspection.requests().at(-1)).toMatchObject({ status: 202, method: 'POST' });
    const sent = harness.sandbox.inspection.sentMail().at(-1);
    expect(sent).toMatchObject({
      from: sender?.mail,
      subject: 'Welcome',
      toRecipients: ['manager@contoso.com'],
    });
  });

  it('refuses a message without recipients', async () => {
    const sender = [...harness.sandbox.store.activeUsers()].find((user) => user.mail !== null);
    const failure = await graphFailure(
      api(`/users/${sender?.id ?? ''}/sendMail`).post({ message: { ...message.message, toRecipients: [] } }),
    );
    expect(failure.status).toBe(400);
  });
});

describe('licences', () => {
  interface Sku {
    skuId: string;
    skuPartNumber: string;
    consumedUnits: number;
    prepaidUnits: { enabled: number };
  }
  const skus = async (): Promise<Sku[]> => ((await api('/subscribedSkus').get()) as { value: Sku[] }).value;
  const skuByName = async (name: string): Promise<Sku> => {
    const sku = (await skus()).find((candidate) => candidate.skuPartNumber === name);
    if (!sku) throw new Error(`no ${name}`);
    return sku;
  };

  it('assigns and removes a licence (200 with the user) and moves the seat count', async () => {
    const e3 = await skuByName('SPE_E3');
    const user = (await api('/users').post(
      newUserBody('licence.me', 'contoso.com', { usageLocation: 'GB' }),
    )) as { id: string };
    const assigned = (await api(`/users/${user.id}/assignLicense`).post({
      addLicenses: [{ skuId: e3.skuId, disabledPlans: [] }],
      removeLicenses: [],
    })) as { id: string };
    expect(assigned.id).toBe(user.id);
    expect((await skuByName('SPE_E3')).consumedUnits).toBe(e3.consumedUnits + 1);
    await api(`/users/${user.id}/assignLicense`).post({ addLicenses: [], removeLicenses: [e3.skuId] });
    expect((await skuByName('SPE_E3')).consumedUnits).toBe(e3.consumedUnits);
  });

  it('refuses a user without usageLocation, an unknown SKU and a SKU without free seats', async () => {
    const e3 = await skuByName('SPE_E3');
    const visio = await skuByName('VISIOCLIENT');
    expect(visio.consumedUnits).toBe(visio.prepaidUnits.enabled);
    const nowhere = (await api('/users').post(newUserBody('no.location'))) as { id: string };
    const located = (await api('/users').post(
      newUserBody('has.location', 'contoso.com', { usageLocation: 'US' }),
    )) as { id: string };
    const assign = (id: string, skuId: string) =>
      api(`/users/${id}/assignLicense`).post({
        addLicenses: [{ skuId, disabledPlans: [] }],
        removeLicenses: [],
      });

    expect((await graphFailure(assign(nowhere.id, e3.skuId))).message).toBe(
      'License assignment cannot be done for user with invalid usage location.',
    );
    const unknownSku = '11111111-1111-1111-1111-111111111111';
    expect((await graphFailure(assign(located.id, unknownSku))).message).toBe(
      `License ${unknownSku} does not correspond to a valid company License.`,
    );
    const exhausted = await graphFailure(assign(located.id, visio.skuId));
    expect(exhausted.status).toBe(400);
    expect(exhausted.message).toMatch(/does not have any available licenses\.$/);
  });
});
