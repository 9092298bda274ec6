import { z } from 'zod';
import type { SandboxClock } from '../clock.js';
import type { GraphResponse } from '../graph-types.js';
import type { Inspection } from '../inspection.js';
import type { FaultOptions } from '../options.js';

/** What the /_sandbox endpoints can see and control (only served when options.exposeInspection is set). */
export interface SandboxControls {
  inspection: Inspection;
  clock: SandboxClock;
  setFaults(partial: Partial<FaultOptions>): FaultOptions;
  revokeTokens(): void;
}

export const INSPECTION_PREFIX = '/_sandbox/';

const advanceSchema = z.object({ ms: z.number().min(0) }).strict();
const faultsSchema = z.record(z.string(), z.unknown());

const json = (status: number, body: unknown): GraphResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body,
});

/** GET requests|users|deleted-users|mail|buckets, POST reset|faults|clock/advance|revoke-tokens. */
export function handleInspection(
  controls: SandboxControls,
  method: string,
  pathname: string,
  body: unknown,
): GraphResponse {
  const name = pathname.slice(INSPECTION_PREFIX.length);
  const { inspection } = controls;
  if (method === 'GET') {
    if (name === 'requests') return json(200, { value: inspection.requests() });
    if (name === 'users') return json(200, { value: inspection.users() });
    if (name === 'deleted-users') return json(200, { value: inspection.deletedUsers() });
    if (name === 'mail') return json(200, { value: inspection.sentMail() });
    if (name === 'buckets') return json(200, inspection.bucketLevels());
  }
  if (method === 'POST') {
    if (name === 'reset') {
      inspection.reset();
      return { status: 204, headers: {} };
    }
    if (name === 'revoke-tokens') {
      controls.revokeTokens();
      return { status: 204, headers: {} };
    }
    if (name === 'clock/advance') {
      const parsed = advanceSchema.safeParse(body);
      if (!parsed.success) return json(400, { error: 'body must be {"ms": <non-negative number>}' });
      controls.clock.advance(parsed.data.ms);
      return json(200, { now: new Date(controls.clock.now()).toISOString() });
    }
    if (name === 'faults') return updateFaults(controls, body);
  }
  return json(404, { error: `no inspection endpoint ${method} ${pathname}` });
}

function updateFaults(controls: SandboxControls, body: unknown): GraphResponse {
  const parsed = faultsSchema.safeParse(body);
  if (!parsed.success) return json(400, { error: 'body must be a JSON object of fault options' });
  try {
    return json(200, controls.setFaults(parsed.data));
  } catch (error) {
    return json(400, { error: error instanceof Error ? error.message : 'invalid fault options' });
  }
}
