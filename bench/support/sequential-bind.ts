import { GraphError } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { generatePassword } from '../../commands/engine/password.js';
import { engineSettingsSchema } from '../../commands/engine/settings.js';
import { createGraphClient } from '../../graph/client.js';
import { graphConnectionSchema } from '../../graph/connection.js';
import type { Sandbox } from '../../sandbox/server.js';
import type { NewDirectoryUser } from '../../commands/engine/model.js';

/**
 * The baseline a bulk bind is compared with: what a script would do with the Graph SDK — one user after
 * another, create then assign the licence, with the SDK's default RetryHandler (3 retries, honouring
 * Retry-After) and nothing else: no pacing, no batching, no concurrency, no directory.
 */

const createdSchema = z.object({ id: z.string().min(1) });

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
  for (const user of users) {
    try {
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
