import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  GraphAuthenticationError,
  GraphThrottledError,
  GraphUnavailableError,
} from '../../commands/errors.js';
import type { DomainError } from '../../commands/errors.js';
import type { NewM365User } from '../../commands/engine/ports.js';
import { createM365Gateway } from '../../graph/gateway.js';
import type { GatewaySettingsInput } from '../../graph/gateway.js';
import { failureOf, newM365User, openGateway, writableUsers } from './harness.js';
import type { GatewayHarness } from './harness.js';

/**
 * Transient failures: throttle storms, 503/504, lost connections, revoked and expired tokens. The sandbox runs
 * 50× faster than real time, so a Retry-After of 1 s costs 20 real milliseconds.
 */
let harness: GatewayHarness;

beforeAll(async () => {
  harness = await openGateway({ size: 60, timeScale: 50 }, { limits: { maxTransientRetries: 12 } });
  await harness.gateway.getTenantInfo(); // the one-off tenant-size probe happens before any fault
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.sandbox.setFaults({ throttleStorm: false, serverErrorRate: 0, connectionResetRate: 0 });
  harness.sandbox.inspection.reset();
});

/** A second gateway on the same sandbox with its own settings (fixed tenant size: no probe). */
function gatewayWith(settings: Omit<GatewaySettingsInput, 'connection'>) {
  return createM365Gateway(
    {
      connection: harness.sandbox.connection(),
      ...settings,
      limits: { tenantSize: 'S', ...settings.limits },
    },
    { clock: harness.sandbox.clock },
  );
}

const records = () => harness.sandbox.inspection.requests();
const statuses = () => records().map((record) => record.status);
const users = () => writableUsers(harness.sandbox).slice(0, 40);
const jobTitleOf = (id: string) =>
  harness.sandbox.inspection.users().find((user) => user.id === id)?.jobTitle;
/** Successful PATCHes per user path: a write that landed twice would show up here. */
function appliedPatches(): Map<string, number> {
  const applied = new Map<string, number>();
  for (const record of records()) {
    if (record.method === 'PATCH' && record.status === 204)
      applied.set(record.path, (applied.get(record.path) ?? 0) + 1);
  }
  return applied;
}

describe('throttling', () => {
  it('rides out a 429 storm: every call completes and every write lands exactly once', async () => {
    const targets = users();
    harness.sandbox.setFaults({ throttleStorm: true });
    const writes = targets.map((user, index) =>
      harness.gateway.updateUser(user.id, { jobTitle: `Storm ${index}` }),
    );
    const reads = targets.slice(0, 10).map((user) => harness.gateway.getUser(user.id));
    await delay(150);
    harness.sandbox.setFaults({ throttleStorm: false });
    await Promise.all(writes);
    expect((await Promise.all(reads)).map((user) => user?.id)).toEqual(
      targets.slice(0, 10).map((user) => user.id),
    );
    expect(statuses().filter((status) => status === 429).length).toBeGreaterThan(0);
    targets.forEach((user, index) => {
      expect(jobTitleOf(user.id)).toBe(`Storm ${index}`);
    });
    expect([...appliedPatches().values()].every((count) => count === 1)).toBe(true);
    expect(appliedPatches().size).toBe(targets.length);
  });

  it('gives up after maxThrottleWaitMs with GraphThrottledError (policy retry) carrying every request-id', async () => {
    const impatient = gatewayWith({ limits: { maxThrottleWaitMs: 3_000 } });
    harness.sandbox.setFaults({ throttleStorm: true });
    const error = (await failureOf(impatient.getUser(users()[0]?.id ?? ''))) as DomainError;
    expect(error).toBeInstanceOf(GraphThrottledError);
    expect(error).toMatchObject({ policy: 'retry', retryAfterMs: 1_000 });
    expect(error.requestIds).toEqual(records().map((record) => record.requestId));
    expect(error.requestIds.length).toBeGreaterThan(1);
  });
});

describe('server errors and lost connections', () => {
  it('retries 503 and 504 answers (top level and per batch item) until every call completes', async () => {
    harness.sandbox.setFaults({ serverErrorRate: 0.2 });
    const targets = users();
    await Promise.all(
      targets.map((user, index) => harness.gateway.updateUser(user.id, { jobTitle: `Flaky ${index}` })),
    );
    expect(statuses()).toEqual(expect.arrayContaining([503, 504]));
    targets.forEach((user, index) => {
      expect(jobTitleOf(user.id)).toBe(`Flaky ${index}`);
    });
  });

  it('stops after maxTransientRetries with GraphUnavailableError for that call', async () => {
    const limited = gatewayWith({ limits: { maxTransientRetries: 3 } });
    harness.sandbox.setFaults({ serverErrorRate: 1 });
    const target = users()[0]?.id ?? '';
    const error = await failureOf(limited.updateUser(target, { jobTitle: 'never' }));
    expect(error).toBeInstanceOf(GraphUnavailableError);
    expect(error).toMatchObject({ policy: 'retry' });
    expect(records().filter((record) => record.path === `/v1.0/users/${target}`)).toHaveLength(4);
  });

  it('completes reads, writes and creates through lost connections, creating nobody twice', async () => {
    harness.sandbox.setFaults({ connectionResetRate: 0.3 });
    const targets = users();
    const updates = targets.map((user, index) =>
      harness.gateway.updateUser(user.id, { jobTitle: `Reset ${index}` }),
    );
    const reads = targets.slice(0, 10).map((user) => harness.gateway.getUser(user.id));
    const creates = ['r.one', 'r.two', 'r.three', 'r.four', 'r.five'].map((name) =>
      harness.gateway.createUser(newUser(name)),
    );
    const created = await Promise.all(creates);
    await Promise.all([...updates, ...reads]);
    targets.forEach((user, index) => {
      expect(jobTitleOf(user.id)).toBe(`Reset ${index}`);
    });
    const stored = harness.sandbox.inspection
      .users()
      .filter((user) => user.userPrincipalName.startsWith('r.'));
    expect(stored.map((user) => user.id).sort()).toEqual(created.map((user) => user.id).sort());
  });

  it('recognises its own user when the create went through but the answer was lost', async () => {
    harness.sandbox.setFaults({ connectionResetRate: 1 });
    const creating = harness.gateway.createUser(newUser('lost.answer'));
    const createdInSandbox = () =>
      records().some((record) => record.method === 'POST' && record.path === '/v1.0/users');
    while (!createdInSandbox()) await delay(1);
    harness.sandbox.setFaults({ connectionResetRate: 0 });
    const created = await creating;
    // The retry met the conflict with the user created by the first attempt, and returned that user.
    expect(
      records()
        .filter((record) => record.path === '/v1.0/users')
        .map((record) => record.status),
    ).toEqual([201, 400]);
    const stored = harness.sandbox.inspection
      .users()
      .filter((user) => user.userPrincipalName === 'lost.answer@contoso.com');
    expect(stored.map((user) => user.id)).toEqual([created.id]);
  });

  it('sends mail at most once: a lost connection is reported, not retried', async () => {
    harness.sandbox.setFaults({ connectionResetRate: 1 });
    const error = await failureOf(
      harness.gateway.sendMail("liam.o'brien@contoso.com", {
        to: 'a@contoso.com',
        subject: 'Once',
        html: '<p>1</p>',
      }),
    );
    expect(error).toBeInstanceOf(GraphUnavailableError);
    expect(harness.sandbox.inspection.sentMail()).toHaveLength(1);
    expect(records().filter((record) => record.path.endsWith('/sendMail'))).toHaveLength(1);
  });
});

describe('tokens', () => {
  it('gets a fresh token when Graph rejects a revoked one mid-run, and every call completes', async () => {
    const targets = users();
    await Promise.all(
      targets.slice(0, 20).map((user) => harness.gateway.updateUser(user.id, { jobTitle: 'Before' })),
    );
    harness.sandbox.revokeTokens();
    await Promise.all(
      targets.slice(20).map((user) => harness.gateway.updateUser(user.id, { jobTitle: 'After' })),
    );
    expect(statuses()).toContain(401);
    targets.slice(20).forEach((user) => {
      expect(jobTitleOf(user.id)).toBe('After');
    });
  });

  it('replaces a token that expired on Graph’s clock before using it again', async () => {
    const targets = users();
    await harness.gateway.updateUser(targets[0]?.id ?? '', { jobTitle: 'Fresh token' });
    harness.sandbox.clock.advance((harness.sandbox.options.tokenLifetimeSeconds + 60) * 1000);
    await Promise.all(targets.map((user) => harness.gateway.updateUser(user.id, { jobTitle: 'Later' })));
    expect(statuses()).not.toContain(401);
    expect(jobTitleOf(targets[5]?.id ?? '')).toBe('Later');
  });

  it('a second 401 after a fresh token → GraphAuthenticationError (stop-run)', async () => {
    // Tokens living 1 s on a clock 10,000× faster than real time are expired before they arrive.
    const shortLived = await openGateway(
      { size: 5, timeScale: 10_000, tokenLifetimeSeconds: 1 },
      { limits: { tenantSize: 'S' } },
    );
    try {
      const error = await failureOf(shortLived.gateway.getUser("liam.o'brien@contoso.com"));
      expect(error).toBeInstanceOf(GraphAuthenticationError);
      expect(error).toMatchObject({ policy: 'stop-run' });
      const attempts = shortLived.sandbox.inspection.requests().filter((record) => record.method === 'GET');
      expect(attempts.map((record) => record.status)).toEqual([401, 401]);
    } finally {
      await shortLived.close();
    }
  });
});

function newUser(localPart: string): NewM365User {
  return newM365User(localPart, {
    displayName: `Reset ${localPart}`,
    givenName: 'Reset',
    surname: localPart,
    usageLocation: 'US',
  });
}
