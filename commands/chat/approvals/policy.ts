import type { MutatingCommand } from '../command.js';
import type { ApprovalPolicy, ApprovalRequest, Role } from '../model.js';
import { atLeast, refusalFor } from '../rbac.js';
import type { ChatSettings } from '../settings.js';
import type { ChatUser } from '../types.js';

/**
 * Who must say yes before a request runs, decided once when the request is created (so a settings change
 * never re-opens a decided request):
 * - disconnect: always a second admin (role admin), never the requester;
 * - more users than the bulk threshold: `bulkApprovers` distinct approvers;
 * - a command set to second-admin: one approver;
 * - otherwise the requester confirms their own request.
 * Whether a requester's own approval counts (allowSelfApproval) applies to the approver modes only.
 */
export function policyFor(command: MutatingCommand, targets: number, settings: ChatSettings): ApprovalPolicy {
  const approvals = settings.approvals;
  if (command.alwaysSecondAdmin) {
    return {
      mode: 'approvers',
      required: 1,
      approverRole: 'admin',
      requesterMayApprove: false,
      reason: `${command.name} always needs a second admin`,
    };
  }
  if (targets > approvals.bulkThreshold) {
    return {
      mode: 'approvers',
      required: approvals.bulkApprovers,
      approverRole: 'approver',
      requesterMayApprove: approvals.allowSelfApproval,
      reason: `more than ${approvals.bulkThreshold} users need ${approvals.bulkApprovers} approvers`,
    };
  }
  if ((approvals.commands[command.name] ?? command.approval) === 'second-admin') {
    return {
      mode: 'approvers',
      required: 1,
      approverRole: 'approver',
      requesterMayApprove: approvals.allowSelfApproval,
      reason: `${command.name} needs a second admin's approval`,
    };
  }
  return {
    mode: 'self-confirm',
    required: 1,
    approverRole: command.role,
    requesterMayApprove: true,
    reason: 'the requester confirms',
  };
}

function isRequester(request: ApprovalRequest, user: ChatUser): boolean {
  return request.requester.platform === user.platform && request.requester.id === user.id;
}

/** Why `user` (holding `role`) may not approve `request` now; null when they may. One sentence. */
export function approvalRefusal(request: ApprovalRequest, user: ChatUser, role: Role | null): string | null {
  const { policy } = request;
  const mine = isRequester(request, user);
  if (policy.mode === 'self-confirm') {
    if (!mine) return `Only ${request.requester.displayName}, who asked, can confirm this request.`;
    return refusalFor(role, policy.approverRole, `confirm ${request.command}`);
  }
  if (mine && !policy.requesterMayApprove) {
    return "You can't approve your own request; another approver has to.";
  }
  if (request.approvals.some((approval) => approval.platform === user.platform && approval.id === user.id)) {
    const missing = policy.required - request.approvals.length;
    return `You already approved this request; it is waiting for ${missing} more ${missing === 1 ? 'approval' : 'approvals'}.`;
  }
  return refusalFor(role, policy.approverRole, `approve ${request.command}`);
}

/** The requester may always cancel; so may anyone who could approve it. */
export function cancelRefusal(request: ApprovalRequest, user: ChatUser, role: Role | null): string | null {
  if (isRequester(request, user)) return null;
  if (atLeast(role, request.policy.approverRole) && request.policy.mode === 'approvers') return null;
  return `Only ${request.requester.displayName}, who asked, or an approver can cancel this request.`;
}

/** "Needs 2 approvals from approvers (not the requester); 1 so far." */
export function policyLine(request: Pick<ApprovalRequest, 'policy' | 'approvals'>): string {
  const { policy, approvals } = request;
  if (policy.mode === 'self-confirm') return 'Nothing changes until you confirm.';
  const one = policy.approverRole === 'admin' ? 'a second admin' : `an ${policy.approverRole}`;
  const plural = policy.required === 1 ? one : `${policy.required} ${policy.approverRole}s`;
  const self = policy.requesterMayApprove ? '' : ' other than the requester';
  const sofar = approvals.length > 0 ? ` ${approvals.length} of ${policy.required} so far.` : '';
  return `Nothing changes until ${plural}${self} approve${policy.required === 1 ? 's' : ''} (${policy.reason}).${sofar}`;
}
