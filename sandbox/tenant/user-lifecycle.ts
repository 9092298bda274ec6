import { z } from 'zod';
import type { AssignedLicense, SandboxUser } from '../model.js';
import { addressKey } from './addresses.js';
import { badRequest } from './failure.js';
import { MESSAGES } from './messages.js';
import type { WriterContext } from './user-writer.js';
import { checkUserPrincipalName, conflictFailure } from './user-rules.js';

const restoreBodySchema = z
  .object({ newUserPrincipalName: z.string().optional(), autoReconcileProxyConflict: z.boolean().optional() })
  .strict();

/**
 * POST /directory/deletedItems/{id}/restore (graph-behaviour §9). A new active user may have taken the UPN or
 * an address meanwhile: the UPN conflict needs `newUserPrincipalName`, address conflicts need
 * `autoReconcileProxyConflict: true` (which drops the conflicting addresses). Licences come back where seats
 * are free; the others are dropped (Entra would keep them in an error state, which the sandbox does not model).
 */
export function restoreUser(context: WriterContext, deleted: SandboxUser, body: unknown): SandboxUser {
  const parsed = restoreBodySchema.safeParse(body ?? {});
  if (!parsed.success) throw badRequest(MESSAGES.invalidValues);
  const { newUserPrincipalName, autoReconcileProxyConflict = false } = parsed.data;
  let restored: SandboxUser = { ...deleted, deletedDateTime: null };
  if (newUserPrincipalName !== undefined) {
    checkUserPrincipalName(newUserPrincipalName, context.store.domains);
    restored.userPrincipalName = newUserPrincipalName;
  }
  const conflict = context.store.conflict(restored, deleted.id);
  if (conflict === 'userPrincipalName' || (conflict === 'proxyAddresses' && !autoReconcileProxyConflict)) {
    throw conflictFailure(conflict);
  }
  if (conflict === 'proxyAddresses') restored = dropConflictingAddresses(context, restored);
  restored.assignedLicenses = restored.assignedLicenses.filter(
    (l) => context.store.licenses.freeUnits(l.skuId) > 0,
  );
  context.store.restore(restored);
  return restored;
}

function dropConflictingAddresses(context: WriterContext, user: SandboxUser): SandboxUser {
  const free = (address: string): boolean =>
    context.store.conflict(
      { userPrincipalName: user.userPrincipalName, mail: null, proxyAddresses: [address] },
      user.id,
    ) === null;
  const proxyAddresses = user.proxyAddresses.filter((proxy) => free(proxy));
  const mailStillOwned =
    user.mail !== null && proxyAddresses.some((proxy) => addressKey(proxy) === user.mail?.toLowerCase());
  return { ...user, proxyAddresses, mail: mailStillOwned ? user.mail : null };
}

const assignLicenseSchema = z.object({
  addLicenses: z.array(
    z.object({ skuId: z.string(), disabledPlans: z.array(z.string()).default([]) }).strict(),
  ),
  removeLicenses: z.array(z.string()),
});

/**
 * POST /users/{id}/assignLicense (graph-behaviour §5): removals first, then additions; adding needs a
 * usageLocation, a known SKU and a free seat (re-adding an assigned SKU only changes its disabled plans).
 */
export function assignLicense(context: WriterContext, user: SandboxUser, body: unknown): SandboxUser {
  const parsed = assignLicenseSchema.safeParse(body);
  if (!parsed.success) throw badRequest(MESSAGES.invalidValues);
  const { addLicenses, removeLicenses } = parsed.data;
  const ledger = context.store.licenses;
  if (addLicenses.length > 0 && user.usageLocation === null) throw badRequest(MESSAGES.invalidUsageLocation);
  const held = new Map(user.assignedLicenses.map((license) => [license.skuId.toLowerCase(), license]));
  for (const skuId of removeLicenses) {
    if (!held.delete(skuId.toLowerCase())) throw badRequest(MESSAGES.licenseNotAssigned(skuId));
  }
  for (const { skuId, disabledPlans } of addLicenses) {
    const sku = ledger.find(skuId);
    if (!sku) throw badRequest(MESSAGES.invalidLicense(skuId));
    const alreadyCounted = user.assignedLicenses.some((l) => l.skuId.toLowerCase() === skuId.toLowerCase());
    if (!alreadyCounted && ledger.freeUnits(skuId) < 1) throw badRequest(MESSAGES.noSeats(sku.skuId));
    held.set(skuId.toLowerCase(), { skuId: sku.skuId, disabledPlans });
  }
  const assignedLicenses: AssignedLicense[] = [...held.values()];
  const updated = { ...user, assignedLicenses };
  context.store.replace(updated);
  return updated;
}

/** POST /users/{id}/revokeSignInSessions: sessions issued before now stop being valid. */
export function revokeSignInSessions(context: WriterContext, user: SandboxUser): void {
  context.store.replace({
    ...user,
    signInSessionsValidFromDateTime: new Date(context.clock.now()).toISOString(),
  });
}
