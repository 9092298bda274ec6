import {
  parseCardModel,
  type Button,
  type CardModel,
  type CardModelInput,
  type Note,
  type Tone,
} from '../../../cards/model.js';
import type { Progress } from '../../engine/results.js';
import { formatWhen, pageOf, plural } from '../cards.js';
import type { ApprovalRequest, RequestState } from '../model.js';
import type { Platform } from '../types.js';
import { policyLine } from './policy.js';

/**
 * The card of a request in each state. Its body (title, facts, per-user tables) is the stored plan — or,
 * once the run ended, the stored result; the state decides the status line, the notes and the buttons.
 * Buttons carry only the opaque request id.
 */

export const APPROVE_VERB = 'approve';
export const CANCEL_VERB = 'cancel';
export const RETRY_VERB = 'retry-failed';

export const planViewId = (requestId: string): string => `${requestId}.plan`;
export const resultViewId = (requestId: string): string => `${requestId}.result`;

const STATUS: Record<RequestState, { text: string; tone: Tone }> = {
  pending: { text: 'Waiting for approval', tone: 'info' },
  approved: { text: 'Approved, starting', tone: 'info' },
  executing: { text: 'Running', tone: 'info' },
  completed: { text: 'Done', tone: 'success' },
  cancelled: { text: 'Cancelled', tone: 'warning' },
  expired: { text: 'Expired', tone: 'warning' },
  failed: { text: 'Failed', tone: 'danger' },
};

function decisionNote(request: ApprovalRequest): Note | undefined {
  const by = request.decidedBy?.displayName ?? 'someone';
  const at = request.decidedAt === null ? '' : ` at ${formatWhen(request.decidedAt)}`;
  switch (request.state) {
    case 'pending':
      return { text: `${policyLine(request)} Expires at ${formatWhen(request.expiresAt)}.` };
    case 'cancelled':
      return { text: `Cancelled by ${by}${at}; nothing was changed.`, tone: 'warning' };
    case 'expired':
      return {
        text: `This request expired${at} without the approvals it needed; nothing was changed.`,
        tone: 'warning',
      };
    case 'approved':
    case 'executing': {
      const names = request.approvals.map((approval) => approval.displayName).join(', ');
      return { text: `Approved by ${names || by}${at}.` };
    }
    default:
      return undefined;
  }
}

function pendingButtons(request: ApprovalRequest): Button[] {
  const data = { request: request.id };
  const confirm = request.policy.mode === 'self-confirm';
  return [
    { id: APPROVE_VERB, label: confirm ? 'Confirm' : 'Approve', style: 'primary', data },
    { id: CANCEL_VERB, label: 'Cancel', style: 'default', data },
  ];
}

export interface RequestCardOptions {
  platform: Platform;
  page?: number;
}

/** The card of a pending, approved, cancelled or expired request: the plan plus the decision. */
export function planStateCard(
  request: ApprovalRequest,
  plan: CardModelInput,
  options: RequestCardOptions,
): CardModel {
  const body = parseCardModel(plan);
  const status = STATUS[request.state];
  const note = decisionNote(request);
  const card = parseCardModel({
    ...body,
    status: status.text,
    tone: request.state === 'pending' ? body.tone : status.tone,
    facts: [...body.facts, { label: 'Requested by', value: request.requester.displayName }],
    notes: [...body.notes, ...(note === undefined ? [] : [note])],
    buttons: request.state === 'pending' ? pendingButtons(request) : [],
  });
  return pageOf(card, {
    platform: options.platform,
    page: options.page ?? 1,
    data: { request: request.id },
    viewId: planViewId(request.id),
    csvFilename: `${request.command.replace(/\s+/g, '-')}-plan.csv`,
  });
}

/** While running: counts and a progress bar only (no long tables in frequent updates). */
export function progressCard(request: ApprovalRequest, plan: CardModelInput, progress: Progress): CardModel {
  const body = parseCardModel(plan);
  const failed = progress.failed > 0 ? `, ${plural(progress.failed, 'failure')} so far` : '';
  return parseCardModel({
    title: body.title,
    status: STATUS.executing.text,
    tone: 'info',
    facts: [...body.facts.slice(0, 6), { label: 'Requested by', value: request.requester.displayName }],
    progress: { ...progress, label: `${progress.done} of ${progress.total} done${failed}` },
    notes: [decisionNote(request) ?? { text: 'Running.' }],
  });
}

/** The final card: the stored result, failures with reasons, and "Retry failed" when it applies. */
export function resultStateCard(
  request: ApprovalRequest,
  result: CardModelInput,
  options: RequestCardOptions,
): CardModel {
  const body = parseCardModel(result);
  const failures = request.outcome?.failures.length ?? 0;
  const retry: Button[] =
    request.outcome?.retryable === true && failures > 0
      ? [
          {
            id: RETRY_VERB,
            label: `Retry ${plural(failures, 'failed user')}`,
            style: 'primary',
            data: { request: request.id },
          },
        ]
      : [];
  const status = STATUS[request.state];
  const card = parseCardModel({
    ...body,
    status: failures > 0 && request.state === 'completed' ? 'Done, with failures' : status.text,
    tone: failures > 0 && request.state === 'completed' ? 'warning' : status.tone,
    buttons: [...body.buttons, ...retry],
  });
  return pageOf(card, {
    platform: options.platform,
    page: options.page ?? 1,
    data: { request: request.id },
    viewId: resultViewId(request.id),
    csvFilename: `${request.command.replace(/\s+/g, '-')}-result.csv`,
  });
}
