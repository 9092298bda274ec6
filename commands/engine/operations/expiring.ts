import { z } from 'zod';
import { requireConnected, type EngineContext } from '../context.js';
import type { Binding, BindingState } from '../model.js';
import { ACCOUNT_STATES } from './shared.js';

/** Bound users whose directory password expires within the next `days` days (already expired included). */

export interface ExpiringPassword {
  email: string;
  displayName: string;
  expiresAt: Date;
  expired: boolean;
  state: BindingState;
}

const daysSchema = z.number().int().min(0).max(3650);
const CHUNK = 200;

async function expiringIn(context: EngineContext, bindings: Binding[], until: Date, now: Date) {
  const users = await context.users.findByEmails(bindings.map((binding) => binding.emailLower));
  const found: ExpiringPassword[] = [];
  for (const binding of bindings) {
    const user = users.get(binding.emailLower);
    const expiresAt = user?.password?.expiresAt ?? null;
    if (user === undefined || expiresAt === null || expiresAt.getTime() > until.getTime()) continue;
    found.push({
      email: user.email,
      displayName: user.displayName,
      expiresAt,
      expired: expiresAt.getTime() <= now.getTime(),
      state: binding.state,
    });
  }
  return found;
}

/** Streams the bindings in chunks (one directory lookup per chunk), soonest expiry first in the result. */
export async function expiring(context: EngineContext, daysInput: number): Promise<ExpiringPassword[]> {
  const days = daysSchema.parse(daysInput);
  await requireConnected(context);
  const now = context.clock.now();
  const until = new Date(now.getTime() + days * 24 * 60 * 60 * 1000);
  const result: ExpiringPassword[] = [];
  let chunk: Binding[] = [];
  for await (const binding of context.bindings.list({ states: ACCOUNT_STATES })) {
    chunk.push(binding);
    if (chunk.length < CHUNK) continue;
    result.push(...(await expiringIn(context, chunk, until, now)));
    chunk = [];
  }
  if (chunk.length > 0) result.push(...(await expiringIn(context, chunk, until, now)));
  return result.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime());
}
