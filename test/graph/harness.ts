import type { NewM365User } from '../../commands/engine/ports.js';
import { createM365Gateway } from '../../graph/gateway.js';
import type { GatewaySettingsInput, GraphGateway } from '../../graph/gateway.js';
import { startSandbox } from '../../sandbox/server.js';
import type { Sandbox } from '../../sandbox/server.js';
import type { SandboxOptionsInput } from '../../sandbox/options.js';
import type { RequestRecord } from '../../sandbox/inspection.js';

/** A sandbox and a gateway on its clock; throttling is off unless a test asks for it. */
export interface GatewayHarness {
  sandbox: Sandbox;
  gateway: GraphGateway;
  close(): Promise<void>;
}

export async function openGateway(
  sandboxOptions: SandboxOptionsInput = {},
  settings: Omit<GatewaySettingsInput, 'connection'> = {},
): Promise<GatewayHarness> {
  const sandbox = await startSandbox({ throttling: 'off', ...sandboxOptions });
  const gateway = createM365Gateway(
    { connection: sandbox.connection(), ...settings },
    { clock: sandbox.clock },
  );
  return { sandbox, gateway, close: () => sandbox.close() };
}

/** Requests the sandbox answered, without the gateway's one-off tenant-size probe. */
export function graphRequests(sandbox: Sandbox): RequestRecord[] {
  return sandbox.inspection.requests().filter((record) => record.path !== '/v1.0/users/$count');
}

/** Cloud-only, enabled members with mail: users every write may target. */
export function writableUsers(sandbox: Sandbox): { id: string; mail: string }[] {
  return sandbox.inspection
    .users()
    .filter((user) => user.onPremisesSyncEnabled !== true && user.userType === 'Member' && user.mail !== null)
    .map((user) => ({ id: user.id, mail: user.mail ?? '' }));
}

/** Awaits a call that must fail and returns its error. */
export async function failureOf(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** A complete create request for `<localPart>@contoso.com`; tests override only what they are about. */
export function newM365User(localPart: string, overrides: Partial<NewM365User> = {}): NewM365User {
  return {
    userPrincipalName: `${localPart}@contoso.com`,
    mail: `${localPart}@contoso.com`,
    mailNickname: localPart.replace(/[^A-Za-z0-9]/g, ''),
    displayName: `Test ${localPart}`,
    givenName: null,
    surname: null,
    jobTitle: null,
    department: null,
    companyName: null,
    employeeId: null,
    streetAddress: null,
    city: null,
    state: null,
    postalCode: null,
    country: null,
    mobilePhone: null,
    businessPhones: [],
    usageLocation: null,
    accountEnabled: true,
    password: 'Xq7#mZ2!vR9p-Blue',
    forceChangePasswordNextSignIn: true,
    ...overrides,
  };
}
