import type { Actor } from '../../engine/model.js';
import type { AuditLog, Clock } from '../../engine/ports.js';
import type { ApprovalRequest, NewApprovalRequest, RequestOutcome, Role } from '../model.js';
import {
  principalOf,
  type ApprovalRequests,
  type RequestChanges,
  type RequestPrecondition,
} from '../ports.js';
import type { ChatUser } from '../types.js';
import { approvalRefusal, cancelRefusal } from './policy.js';

/**
 * The request state machine: pending → approved → executing → completed | failed, or pending → cancelled |
 * expired. Every move is ONE conditional update of the request document (ApprovalRequests.transition with a
 * state — and for approvals a version — precondition), so a double click, a replayed payload or a second bot
 * replica moves a request at most once. Every move is audited with who and when.
 */

export type Decision =
  | { kind: 'gone' }
  | { kind: 'refused'; message: string; request: ApprovalRequest }
  /** Already out of pending (decided, running, done or expired): nothing happened now. */
  | { kind: 'decided'; request: ApprovalRequest }
  /** This approval was recorded; more are needed. */
  | { kind: 'recorded'; request: ApprovalRequest }
  /** Approved (the run may start) or cancelled, by this call. */
  | { kind: 'moved'; request: ApprovalRequest };

export const SYSTEM_EXPIRY_ACTOR: Actor = {
  platform: 'system',
  id: 'approval-expiry',
  displayName: 'Approval expiry',
};

const ATTEMPTS = 5;

export interface ApprovalServiceDeps {
  requests: ApprovalRequests;
  audit: AuditLog;
  clock: Clock;
}

export function actorOf(user: ChatUser): Actor {
  return { platform: user.platform, id: user.id, displayName: user.displayName };
}

export class ApprovalService {
  constructor(private readonly deps: ApprovalServiceDeps) {}

  async create(request: NewApprovalRequest): Promise<ApprovalRequest> {
    const created = await this.deps.requests.create(request);
    await this.record(actorOf(created.requester), 'requested', created, 'planned', created.summary);
    return created;
  }

  async approve(id: string, user: ChatUser, role: Role | null): Promise<Decision> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const request = await this.deps.requests.get(id);
      if (request === null) return { kind: 'gone' };
      const early = await this.unlessPending(request);
      if (early !== null) return early;
      const refusal = approvalRefusal(request, user, role);
      if (refusal !== null) return { kind: 'refused', message: refusal, request };
      const now = this.deps.clock.now();
      const approvals = [...request.approvals, { ...principalOf(user), at: now }];
      const complete = approvals.length >= request.policy.required;
      const changes: RequestChanges = complete
        ? { approvals, state: 'approved', decidedBy: principalOf(user), decidedAt: now }
        : { approvals };
      const moved = await this.deps.requests.transition(
        id,
        { states: ['pending'], version: request.version },
        changes,
      );
      if (moved === null) continue; // another click changed it first: look again
      await this.record(actorOf(user), complete ? 'approved' : 'approval', moved, 'succeeded');
      return { kind: complete ? 'moved' : 'recorded', request: moved };
    }
    const latest = await this.deps.requests.get(id);
    return latest === null ? { kind: 'gone' } : { kind: 'decided', request: latest };
  }

  async cancel(id: string, user: ChatUser, role: Role | null): Promise<Decision> {
    const request = await this.deps.requests.get(id);
    if (request === null) return { kind: 'gone' };
    const early = await this.unlessPending(request);
    if (early !== null) return early;
    const refusal = cancelRefusal(request, user, role);
    if (refusal !== null) return { kind: 'refused', message: refusal, request };
    const now = this.deps.clock.now();
    const moved = await this.deps.requests.transition(
      id,
      { states: ['pending'] },
      { state: 'cancelled', decidedBy: principalOf(user), decidedAt: now },
    );
    if (moved === null) return this.decided(id);
    await this.record(actorOf(user), 'cancelled', moved, 'skipped');
    return { kind: 'moved', request: moved };
  }

  /** pending → expired (the approval-expiry job, or a click that came too late); null when not pending. */
  async expire(id: string): Promise<ApprovalRequest | null> {
    const moved = await this.deps.requests.transition(
      id,
      { states: ['pending'] },
      { state: 'expired', decidedAt: this.deps.clock.now() },
    );
    if (moved !== null) await this.record(SYSTEM_EXPIRY_ACTOR, 'expired', moved, 'skipped');
    return moved;
  }

  /** approved → executing (or a crashed run's executing, once its lease ran out): only one caller wins. */
  async claim(request: ApprovalRequest, leaseMs: number): Promise<ApprovalRequest | null> {
    const now = this.deps.clock.now();
    const precondition: RequestPrecondition =
      request.state === 'executing' ? { states: ['executing'], leaseBefore: now } : { states: ['approved'] };
    const claimed = await this.deps.requests.transition(request.id, precondition, {
      state: 'executing',
      leaseUntil: new Date(now.getTime() + leaseMs),
      attempts: request.attempts + 1,
    });
    if (claimed !== null) {
      const detail = claimed.attempts > 1 ? `resumed (attempt ${claimed.attempts})` : null;
      await this.record(actorOf(claimed.requester), 'executing', claimed, 'succeeded', detail);
    }
    return claimed;
  }

  /** Keeps the run's lease; false when the run lost it (another process took over). */
  async renew(request: ApprovalRequest, leaseMs: number): Promise<boolean> {
    const renewed = await this.deps.requests.transition(
      request.id,
      { states: ['executing'] },
      { leaseUntil: new Date(this.deps.clock.now().getTime() + leaseMs) },
    );
    return renewed?.attempts === request.attempts;
  }

  /** An interrupted run (shutdown, database outage) gives its lease up so resumeInterrupted() takes it over. */
  async release(request: ApprovalRequest): Promise<void> {
    await this.deps.requests.transition(
      request.id,
      { states: ['executing'] },
      { leaseUntil: this.deps.clock.now() },
    );
  }

  async finish(
    request: ApprovalRequest,
    outcome: RequestOutcome,
    failed: boolean,
  ): Promise<ApprovalRequest | null> {
    const done = await this.deps.requests.transition(
      request.id,
      { states: ['executing'] },
      { state: failed ? 'failed' : 'completed', outcome, leaseUntil: null },
    );
    if (done !== null) {
      const verb = failed ? 'failed' : 'completed';
      await this.record(
        actorOf(done.requester),
        verb,
        done,
        failed ? 'failed' : 'succeeded',
        outcome.summary,
      );
    }
    return done;
  }

  /** A request that is not pending, or has passed its expiry (then expired now): the click is too late. */
  private async unlessPending(request: ApprovalRequest): Promise<Decision | null> {
    if (request.state !== 'pending') return { kind: 'decided', request };
    if (this.deps.clock.now().getTime() < request.expiresAt.getTime()) return null;
    return { kind: 'decided', request: (await this.expire(request.id)) ?? request };
  }

  private async decided(id: string): Promise<Decision> {
    const latest = await this.deps.requests.get(id);
    return latest === null ? { kind: 'gone' } : { kind: 'decided', request: latest };
  }

  private async record(
    actor: Actor,
    what: string,
    request: ApprovalRequest,
    outcome: 'succeeded' | 'failed' | 'skipped' | 'planned',
    detail: string | null = null,
  ): Promise<void> {
    await this.deps.audit.append({
      actor,
      action: `chat.request.${what}`,
      target: null,
      parameters: {
        requestId: request.id,
        command: request.command,
        state: request.state,
        targets: request.targets,
        approvals: request.approvals.map((approval) => approval.displayName),
        conversation: `${request.conversation.platform}:${request.conversation.id}`,
      },
      graphRequestIds: [],
      outcome,
      detail,
      operationId: request.id,
    });
  }
}
