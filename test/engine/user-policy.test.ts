import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createEngine, type Engine } from '../../commands/engine/engine.js';
import type { AuditLog, Bindings, Operations } from '../../commands/engine/ports.js';
import { DatabaseUnavailableError, LockTimeoutError } from '../../commands/errors.js';
import { ADMIN, createRequests, directoryUser, openEngine, type EngineHarness } from '../support/engine.js';

/**
 * The bulk runner's per-user policy: a failure whose kind says 'retry' is tried again before it is reported
 * (and the new attempt verifies what the failed one did rather than repeating it), and a user is settled
 * only after its audit event is written, so a run cut off in between repeats the user and its event.
 */
let harness: EngineHarness;

beforeAll(async () => {
  harness = await openEngine(import.meta.url, { sandbox: { size: 'M' } });
}, 60_000);
afterAll(async () => {
  await harness.close();
});

function engineWith(overrides: { bindings?: Bindings; audit?: AuditLog; operations?: Operations }): Engine {
  return createEngine({
    ...harness.repositories,
    ...overrides,
    gateway: harness.gateway,
    jobs: harness.jobs,
    clock: harness.clock,
    settings: harness.settings,
  });
}

/** The bindings repository, except that create() throws `failure()` for `email` the first `times` calls. */
function bindingsFailing(email: string, times: number, failure: () => Error): Bindings & { calls: number } {
  const real = harness.repositories.bindings;
  const wrapped = Object.create(real) as Bindings & { calls: number };
  wrapped.calls = 0;
  wrapped.create = async (binding) => {
    if (binding.emailLower !== email) return real.create(binding);
    wrapped.calls += 1;
    if (wrapped.calls <= times) throw failure();
    return real.create(binding);
  };
  return wrapped;
}

async function addUsers(prefix: string, count: number): Promise<string[]> {
  const emails = Array.from({ length: count }, (_, index) => `${prefix}${String(index)}@contoso.com`);
  for (const email of emails) await harness.repositories.users.insert(directoryUser(email));
  return emails;
}

/** Creates since the last reset: every one accepted (a second create of a UPN would be refused). */
function creates(): { accepted: number; refused: number } {
  const requests = createRequests(harness.sandbox);
  const accepted = requests.filter((record) => record.status === 201).length;
  return { accepted, refused: requests.length - accepted };
}

describe('the bulk runner’s per-user error policy', () => {
  beforeEach(() => {
    harness.sandbox.inspection.reset();
  });

  it('tries a user again after a retry-kind failure, without a second create, and reports it done', async () => {
    const [email = ''] = await addUsers('retry.once', 1);
    const bindings = bindingsFailing(email, 1, () => new LockTimeoutError('bindings/x', 10));
    const report = await engineWith({ bindings }).bind([email], { actor: ADMIN, welcome: false });
    expect(report.results[0]).toMatchObject({ email, outcome: 'done' });
    expect(report.results[0]?.password).toEqual(expect.any(String));
    expect(bindings.calls).toBe(2);
    expect(creates()).toEqual({ accepted: 1, refused: 0 });
    const user = await harness.repositories.users.findByEmail(email);
    expect((await harness.repositories.bindings.get(user?.id ?? ''))?.state).toBe('bound');
  }, 30_000);

  it('reports a user whose retry-kind failure persists after three attempts, with that reason', async () => {
    const [email = ''] = await addUsers('retry.always', 1);
    const bindings = bindingsFailing(email, 99, () => new LockTimeoutError('bindings/x', 10));
    const report = await engineWith({ bindings }).bind([email], { actor: ADMIN, welcome: false });
    expect(report.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'LOCK_TIMEOUT' } });
    expect(bindings.calls).toBe(3);
    expect(creates()).toEqual({ accepted: 1, refused: 0 });
  }, 60_000);

  it('settles a user only after its audit event: a run cut off in between repeats the user on resume', async () => {
    const emails = await addUsers('audit.first', 12);
    const victim = emails[5] ?? '';
    const audit = Object.create(harness.repositories.audit) as AuditLog;
    audit.append = (event) =>
      event.target === victim
        ? Promise.reject(new DatabaseUnavailableError('127.0.0.1:1'))
        : harness.repositories.audit.append(event);
    const operationId = 'audit-before-settle';
    await expect(
      engineWith({ audit }).bind(emails, { actor: ADMIN, operationId, welcome: false }),
    ).rejects.toBeInstanceOf(DatabaseUnavailableError);
    const recorded = await harness.repositories.operations.users(operationId);
    expect(recorded.find((user) => user.emailLower === victim)?.outcome).toBe('pending');

    const resumed = await harness.restart().bind(emails, { actor: ADMIN, operationId, welcome: false });
    expect(resumed.totals).toMatchObject({ done: 12, failed: 0 });
    const events = await harness.repositories.audit.query({ operationId });
    for (const email of emails) {
      expect(events.filter((event) => event.target === email && event.outcome === 'succeeded').length).toBe(
        1,
      );
    }
    expect(creates()).toEqual({ accepted: 12, refused: 0 });
    // Settled by the cut-off run, whose result (and new passwords) reached nobody: flagged for a reset.
    const earlier = resumed.results.filter((result) =>
      result.note?.startsWith('completed by an earlier run'),
    );
    expect(earlier.length).toBeGreaterThan(0);
    expect(
      earlier.every((result) => result.passwordUndelivered === true && result.password === undefined),
    ).toBe(true);
    expect(resumed.results.find((result) => result.email === victim)?.password).toEqual(expect.any(String));
  }, 60_000);

  it('settles from the audit log a user whose event was written when the run was cut off', async () => {
    const emails = await addUsers('audit.settles', 6);
    const victim = emails[2] ?? '';
    const operations = Object.create(harness.repositories.operations) as Operations;
    operations.record = (operationId, emailLower, progress) =>
      emailLower === victim && progress.result !== undefined
        ? Promise.reject(new DatabaseUnavailableError('127.0.0.1:1'))
        : harness.repositories.operations.record(operationId, emailLower, progress);
    const operationId = 'audit-settles';
    await expect(
      engineWith({ operations }).bind(emails, { actor: ADMIN, operationId, welcome: false }),
    ).rejects.toBeInstanceOf(DatabaseUnavailableError);

    const resumed = await harness.restart().bind(emails, { actor: ADMIN, operationId, welcome: false });
    expect(resumed.totals).toMatchObject({ done: 6, failed: 0 });
    expect(resumed.results.find((result) => result.email === victim)).toMatchObject({
      outcome: 'done',
      passwordUndelivered: true,
    });
    const events = await harness.repositories.audit.query({ operationId, target: victim });
    expect(events.map((event) => event.outcome)).toEqual(['succeeded']);
    expect(creates()).toEqual({ accepted: 6, refused: 0 });
    const recorded = await harness.repositories.operations.users(operationId);
    expect(recorded.find((user) => user.emailLower === victim)?.outcome).toBe('done');
  }, 60_000);

  it('starts no user and no step while the host holds engine work back, and all of them once it lets go', async () => {
    const emails = await addUsers('held.back', 4);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let asked = 0;
    const engine = createEngine({
      ...harness.repositories,
      gateway: harness.gateway,
      jobs: harness.jobs,
      clock: harness.clock,
      settings: harness.settings,
      yieldToHost: () => {
        asked += 1;
        return held;
      },
    });
    const run = engine.bind(emails, { actor: ADMIN, welcome: false });
    while (asked === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(creates()).toEqual({ accepted: 0, refused: 0 });
    release();
    const report = await run;
    expect(report.totals).toMatchObject({ done: 4, failed: 0 });
    // Before each of the 4 users, and before each one's create (its only step: no licence, no welcome).
    expect(asked).toBe(8);
    expect(creates()).toEqual({ accepted: 4, refused: 0 });
  }, 30_000);
});
