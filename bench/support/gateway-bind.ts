import { newM365UserOf } from '../../commands/engine/mapping.js';
import type { NewDirectoryUser } from '../../commands/engine/model.js';
import { generatePassword } from '../../commands/engine/password.js';
import { engineSettingsSchema } from '../../commands/engine/settings.js';
import { createM365Gateway } from '../../graph/gateway.js';
import type { Sandbox } from '../../sandbox/server.js';

/**
 * The engine's Graph side alone: the same creates and licence assignments through the product's gateway (pacing,
 * batching, retries) with the engine's concurrency, but no directory — what a bulk bind would achieve if the
 * database cost nothing. Tells the gateway's share of a bulk bind's time from the database's.
 */
export async function gatewayOnlyBind(
  sandbox: Sandbox,
  users: readonly NewDirectoryUser[],
  skuId: string,
  concurrency: number,
): Promise<{ done: number; failed: number; realSeconds: number; sandboxSeconds: number }> {
  const gateway = createM365Gateway({ connection: sandbox.connection() }, { clock: sandbox.clock });
  const policy = engineSettingsSchema.parse({}).passwordPolicy;
  await gateway.getTenantInfo();
  const queue = users.map((user, index) => ({
    ...user,
    id: `bench-${String(index)}`,
    emailLower: user.email.toLowerCase(),
    createdAt: new Date(),
    updatedAt: new Date(),
  }));
  const result = { done: 0, failed: 0, realSeconds: 0, sandboxSeconds: 0 };
  const realStart = performance.now();
  const sandboxStart = sandbox.clock.now();
  const worker = async (): Promise<void> => {
    for (let user = queue.shift(); user !== undefined; user = queue.shift()) {
      try {
        const created = await gateway.createUser(
          newM365UserOf(user, user.usageLocation ?? 'US', generatePassword(policy)),
        );
        await gateway.assignLicence(created.id, skuId);
        result.done += 1;
      } catch {
        result.failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  result.realSeconds = (performance.now() - realStart) / 1000;
  result.sandboxSeconds = (sandbox.clock.now() - sandboxStart) / 1000;
  return result;
}
