import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  AddressHeldError,
  DomainError,
  GraphAuthenticationError,
  GraphPermissionError,
  GraphRejectedInputError,
  LicenceUnavailableError,
  M365UserNotFoundError,
  OnPremisesMasteredError,
  UpnConflictError,
} from '../../commands/errors.js';
import type { NewM365User } from '../../commands/engine/ports.js';
import { Secret } from '../../bot/secret.js';
import { createGraphClient } from '../../graph/client.js';
import { graphAppConnectionSchema, graphConnectionSchema } from '../../graph/connection.js';
import { createM365Gateway } from '../../graph/gateway.js';
import { failureOf, newM365User, openGateway, writableUsers } from './harness.js';
import type { GatewayHarness } from './harness.js';

/** Each taxonomy class, produced by driving the sandbox into the situation Graph reports. */
let harness: GatewayHarness;
const VISIO_SKU = 'c5928f49-12ba-48f7-ada3-0d743a3601d5';

beforeAll(async () => {
  harness = await openGateway({ size: 60, timeScale: 50 });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.sandbox.inspection.reset();
});

/** Every translated error carries the request-ids Graph sent, all of them known to the sandbox. */
function expectGraphRequestIds(error: unknown): void {
  expect(error).toBeInstanceOf(DomainError);
  const ids = (error as DomainError).requestIds;
  const logged = new Set(harness.sandbox.inspection.requests().map((record) => record.requestId));
  expect(ids.length).toBeGreaterThan(0);
  expect(ids.every((id) => logged.has(id))).toBe(true);
}

describe('per-user failures', () => {
  it('a UPN that is taken → UpnConflictError', async () => {
    const [someone] = writableUsers(harness.sandbox);
    const taken = someone?.mail ?? '';
    const error = await failureOf(
      harness.gateway.createUser(
        errorUser('upn.clash', { userPrincipalName: taken, mail: 'fresh.addr@contoso.com' }),
      ),
    );
    expect(error).toBeInstanceOf(UpnConflictError);
    expect(error).toMatchObject({ email: taken, policy: 'per-user' });
    expectGraphRequestIds(error);
  });

  it('an address still held after a delete → AddressHeldError without a retry time', async () => {
    const created = await harness.gateway.createUser(errorUser('held.addr'));
    const bare = createGraphClient(graphConnectionSchema.parse(harness.sandbox.connection()), {
      retry: false,
    });
    await bare.client.api(`/users/${created.id}`).delete();
    const error = await failureOf(harness.gateway.createUser(errorUser('held.addr')));
    expect(error).toBeInstanceOf(AddressHeldError);
    expect(error).toMatchObject({ email: 'held.addr@contoso.com', retryAt: undefined });
    expectGraphRequestIds(error);
  });

  it('a user synchronised from on-premises AD → OnPremisesMasteredError naming the attributes', async () => {
    const synced = harness.sandbox.inspection.users().find((user) => user.onPremisesSyncEnabled === true);
    const error = await failureOf(
      harness.gateway.updateUser(synced?.id ?? '', { jobTitle: 'x', department: 'y' }),
    );
    expect(error).toBeInstanceOf(OnPremisesMasteredError);
    expect(error).toMatchObject({ attributes: ['jobTitle', 'department'] });
    expectGraphRequestIds(error);
  });

  it('the exhausted VISIOCLIENT subscription → LicenceUnavailableError no-free-seats', async () => {
    const created = await harness.gateway.createUser(errorUser('visio.user', { usageLocation: 'US' }));
    const error = await failureOf(harness.gateway.assignLicence(created.id, VISIO_SKU));
    expect(error).toBeInstanceOf(LicenceUnavailableError);
    expect(error).toMatchObject({ problem: 'no-free-seats', sku: VISIO_SKU });
    expectGraphRequestIds(error);
  });

  it('a user without usage location, and an unknown SKU → the matching LicenceUnavailableError', async () => {
    const created = await harness.gateway.createUser(errorUser('no.location'));
    const skus = await harness.gateway.listSubscribedSkus();
    const e3 = skus.find((sku) => sku.skuPartNumber === 'SPE_E3')?.skuId ?? '';
    await expect(harness.gateway.assignLicence(created.id, e3)).rejects.toMatchObject({
      problem: 'no-usage-location',
    });
    await harness.gateway.updateUser(created.id, { usageLocation: 'DE' });
    await expect(
      harness.gateway.assignLicence(created.id, '11111111-2222-4333-8444-555555555555'),
    ).rejects.toMatchObject({ problem: 'unknown-sku' });
  });

  it('a bad usage location or a weak password → GraphRejectedInputError with Graph’s words', async () => {
    const [someone] = writableUsers(harness.sandbox);
    const badLocation = await failureOf(
      harness.gateway.updateUser(someone?.id ?? '', { usageLocation: 'XX' }),
    );
    expect(badLocation).toBeInstanceOf(GraphRejectedInputError);
    expect((badLocation as Error).message).toContain("Invalid value specified for property 'usageLocation'");
    const weak = await failureOf(harness.gateway.setPassword(someone?.id ?? '', 'aaaaaaaaaa', false));
    expect(weak).toBeInstanceOf(GraphRejectedInputError);
    expect((weak as Error).message).toContain('password complexity');
    expect(JSON.stringify(weak) + String(weak)).not.toContain('aaaaaaaaaa');
    expectGraphRequestIds(weak);
  });

  it('an unknown user → M365UserNotFoundError for writes', async () => {
    const missing = '00000000-0000-4000-8000-000000000001';
    const error = await failureOf(harness.gateway.updateUser(missing, { jobTitle: 'x' }));
    expect(error).toBeInstanceOf(M365UserNotFoundError);
    expect(error).toMatchObject({ key: missing, policy: 'per-user' });
    expectGraphRequestIds(error);
  });
});

describe('stop-run failures', () => {
  it('a missing permission → GraphPermissionError naming the operation', async () => {
    const readOnly = await openGateway({ size: 10, grantedPermissions: ['User.Read.All'] });
    try {
      const [someone] = writableUsers(readOnly.sandbox);
      const error = await failureOf(readOnly.gateway.updateUser(someone?.id ?? '', { jobTitle: 'x' }));
      expect(error).toBeInstanceOf(GraphPermissionError);
      expect(error).toMatchObject({ operation: 'update users', policy: 'stop-run' });
      await expect(readOnly.gateway.listSubscribedSkus()).rejects.toBeInstanceOf(GraphPermissionError);
    } finally {
      await readOnly.close();
    }
  });

  it('no User Administrator role → GraphPermissionError for passwords', async () => {
    const noRole = await openGateway({ size: 10, userAdministratorRole: false });
    try {
      const [someone] = writableUsers(noRole.sandbox);
      const error = await failureOf(
        noRole.gateway.setPassword(someone?.id ?? '', 'Gx4!rTq9#Lm2-Green', true),
      );
      expect(error).toBeInstanceOf(GraphPermissionError);
      expect((error as Error).message).toContain('User Administrator');
    } finally {
      await noRole.close();
    }
  });

  it('a wrong client secret → GraphAuthenticationError (invalid_client) that never repeats the secret', async () => {
    const connection = { ...harness.sandbox.connection(), clientSecret: new Secret('wrong-secret-4711') };
    const gateway = createM365Gateway({ connection }, { clock: harness.sandbox.clock });
    const error = await failureOf(gateway.getUser('anyone'));
    expect(error).toBeInstanceOf(GraphAuthenticationError);
    expect(error).toMatchObject({ policy: 'stop-run' });
    expect((error as Error).message).toContain('invalid_client');
    expect(JSON.stringify(error) + String(error)).not.toContain('wrong-secret-4711');
  });

  it('accepts the client secret as a Secret', async () => {
    const connection = {
      ...harness.sandbox.connection(),
      clientSecret: new Secret(harness.sandbox.options.clientSecret),
    };
    const gateway = createM365Gateway({ connection }, { clock: harness.sandbox.clock });
    await expect(gateway.getTenantInfo()).resolves.toMatchObject({
      tenantId: harness.sandbox.options.tenantId,
    });
  });

  it('authenticates with a certificate (a signed client assertion); the sandbox knows none → invalid_client', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { clientSecret: _secret, ...rest } = harness.sandbox.connection();
    const connection = {
      ...rest,
      clientCertificate: {
        thumbprint: 'AB'.repeat(32),
        privateKey: new Secret(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
      },
    };
    const gateway = createM365Gateway({ connection }, { clock: harness.sandbox.clock });
    const error = await failureOf(gateway.getUser('anyone'));
    expect(error).toBeInstanceOf(GraphAuthenticationError);
    expect((error as Error).message).toContain('AADSTS700027');
  });

  it('requires exactly one credential', () => {
    const { clientSecret: _secret, ...withoutSecret } = harness.sandbox.connection();
    const certificate = { thumbprint: 'ab'.repeat(20), privateKey: 'pem' };
    expect(graphAppConnectionSchema.safeParse(withoutSecret).success).toBe(false);
    expect(
      graphAppConnectionSchema.safeParse({ ...harness.sandbox.connection(), clientCertificate: certificate })
        .success,
    ).toBe(false);
    expect(
      graphAppConnectionSchema.safeParse({ ...withoutSecret, clientCertificate: certificate }).success,
    ).toBe(true);
    expect(
      graphAppConnectionSchema.safeParse({
        ...withoutSecret,
        clientCertificate: { ...certificate, thumbprint: 'xyz' },
      }).success,
    ).toBe(false);
  });
});

function errorUser(localPart: string, overrides: Partial<NewM365User> = {}): NewM365User {
  return newM365User(localPart, { displayName: `Error ${localPart}`, ...overrides });
}
