import { GraphError } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { generatePassword } from '../../commands/engine/password.js';
import { engineSettingsSchema } from '../../commands/engine/settings.js';
import { createGraphClient } from '../../graph/client.js';
import { graphConnectionSchema } from '../../graph/connection.js';
import { emailLookupFilter } from '../../graph/odata.js';
import type { Sandbox } from '../../sandbox/server.js';
import type { NewDirectoryUser } from '../../commands/engine/model.js';

/**
 * The baseline a bulk bind is compared with: what a script would do with the Graph SDK to bind the same users
 * — the same work as the engine's bind: read the licence's free seats once, then one user after another look
 * the address up (a bind takes an existing account over, so it must know whether there is one; the engine's
 * own filter), create the account when there is none, assign the licence — with the SDK's default
 * RetryHandler (3 retries, honouring Retry-After) and nothing else: no pacing, no batching, no concurrency, no
 * directory.
 */

const createdSchema = z.object({ id: z.string().min(1) });
const foundSchema = z.object({ value: z.array(z.object({ id: z.string().min(1) })) });
const skusSchema = z.object({
  value: z.array(
    z.object({
      skuId: z.string(),
      consumedUnits: z.number(),
      prepaidUnits: z.object({ enabled: z.number() }),
    }),
  ),
});

export interface SequentialResult {
  done: number;
  failed: number;
  realSeconds: number;
  sandboxSeconds: number;
}

export async function sequentialBind(
  sandbox: Sandbox,
  users: readonly NewDirectoryUser[],
  skuId: string,
): Promise<SequentialResult> {
  const connection = graphConnectionSchema.parse(sandbox.connection());
  const graph = createGraphClient(connection, { clock: sandbox.clock });
  const policy = engineSettingsSchema.parse({}).passwordPolicy;
  await graph.getToken();
  const result: SequentialResult = { done: 0, failed: 0, realSeconds: 0, sandboxSeconds: 0 };
  const realStart = performance.now();
  const sandboxStart = sandbox.clock.now();
  const skus = skusSchema.parse(await graph.client.api('/subscribedSkus').get());
  const sku = skus.value.find((candidate) => candidate.skuId === skuId);
  if (!sku || sku.prepaidUnits.enabled - sku.consumedUnits < users.length) {
    throw new Error(`the sandbox tenant has fewer than ${String(users.length)} free seats of ${skuId}`);
  }
  for (const user of users) {
    try {
      const existing = foundSchema.parse(
        await graph.client.api('/users').filter(emailLookupFilter(user.email)).select('id').get(),
      );
      if (existing.value.length > 0)
        throw new Error(`${user.email} exists already: the benchmark binds new users`);
      const created = createdSchema.parse(
        await graph.client.api('/users').post({
          accountEnabled: true,
          displayName: user.displayName,
          givenName: user.givenName,
          surname: user.surname,
          jobTitle: user.jobTitle,
          department: user.department,
          userPrincipalName: user.email,
          mail: user.email,
          mailNickname: user.email.slice(0, user.email.indexOf('@')),
          usageLocation: user.usageLocation ?? 'US',
          passwordProfile: { password: generatePassword(policy), forceChangePasswordNextSignIn: true },
        }),
      );
      await graph.client
        .api(`/users/${created.id}/assignLicense`)
        .post({ addLicenses: [{ skuId, disabledPlans: [] }], removeLicenses: [] });
      result.done += 1;
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      result.failed += 1;
    }
  }
  result.realSeconds = (performance.now() - realStart) / 1000;
  result.sandboxSeconds = (sandbox.clock.now() - sandboxStart) / 1000;
  return result;
}
