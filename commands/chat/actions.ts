import { toCsv } from '../../cards/csv.js';
import type { CardModel } from '../../cards/model.js';
import { csvTableOf, formatWhen, messageCard, refusalCard } from './cards.js';
import type { Core } from './core.js';
import { requestCard } from './execution/render.js';
import { startExecution } from './execution/runner.js';
import type { Decision } from './approvals/service.js';
import { FINAL_STATES, type ApprovalRequest } from './model.js';
import { startRequest } from './requests.js';
import type { ActionRequest, Reply } from './types.js';
import { slug, viewCard } from './views.js';

/**
 * Button clicks. Buttons carry only opaque ids; permission is checked again on every click (anyone in a
 * channel can click a card), and every state change goes through the request's conditional transitions, so
 * a double click or a replayed payload changes nothing the second time.
 */

export function privately(sentence: string): Reply {
  return { card: refusalCard(sentence), visibility: 'private' };
}

function replacing(card: CardModel): Reply {
  return { card, visibility: 'conversation', replaceOriginal: true };
}

function alreadyDecided(request: ApprovalRequest): string {
  const by = request.decidedBy === null ? '' : ` by ${request.decidedBy.displayName}`;
  const at = request.decidedAt === null ? '' : ` at ${formatWhen(request.decidedAt)}`;
  switch (request.state) {
    case 'expired':
      return `This request expired${at} and nothing was changed; ask again if it is still needed.`;
    case 'cancelled':
      return `This request was already cancelled${by}${at}.`;
    case 'completed':
    case 'failed':
      return `This request was already decided${by} and has run.`;
    default:
      return `This request was already approved${by}${at}.`;
  }
}

/**
 * After a decision: every message of the request shows the new state — the clicked one through the reply —
 * and an approved request starts running. Only the reply is awaited (one read of the stored plan).
 */
async function afterDecision(core: Core, decision: Decision, action: ActionRequest): Promise<Reply[]> {
  if (decision.kind === 'gone') return [privately('That request no longer exists.')];
  const { request } = decision;
  if (decision.kind === 'refused') return [privately(decision.message)];
  const card = requestCard(core.stores.views, request);
  if (decision.kind === 'decided') {
    // Only a final card may replace the message: a request still running is shown by the run itself, and a
    // card read here could land after the run's newer one (another replica's, say) and hide it.
    if (!FINAL_STATES.includes(request.state)) return [privately(alreadyDecided(request))];
    const inOrder = core.publisher.replacementOrder();
    return [
      { ...replacing((await card)(action.conversation.platform)), inOrder },
      privately(alreadyDecided(request)),
    ];
  }
  if (action.message !== undefined) void core.publisher.track(request.id, action.message);
  void core.publisher.show(request.id, card);
  // The reply reaches the clicked message later (after the platform's acknowledgement): its place among the
  // request's cards is taken now, after the card just shown and before every card of the run started below.
  const inOrder = core.publisher.replacementOrder();
  if (request.state !== 'pending') {
    core.background.run('cancel expiry', () => core.jobs.cancelApprovalExpiry(request.id));
  }
  if (request.state === 'approved') startExecution(core, request);
  return [{ ...replacing((await card)(action.conversation.platform)), inOrder }];
}

function requestIdOf(action: ActionRequest): string | undefined {
  const id = action.data['request'];
  return id === undefined || id === '' ? undefined : id;
}

export async function approveAction(core: Core, action: ActionRequest): Promise<Reply[]> {
  const id = requestIdOf(action);
  if (id === undefined) return [privately('This button does not name a request.')];
  const role = await core.rbac.roleOf(action.user);
  return afterDecision(core, await core.service.approve(id, action.user, role), action);
}

export async function cancelAction(core: Core, action: ActionRequest): Promise<Reply[]> {
  const id = requestIdOf(action);
  if (id === undefined) return [privately('This button does not name a request.')];
  const role = await core.rbac.roleOf(action.user);
  return afterDecision(core, await core.service.cancel(id, action.user, role), action);
}

/** "Retry failed": a new request for the same command and only the users that failed, planned afresh. */
export async function retryAction(core: Core, action: ActionRequest): Promise<Reply[]> {
  const id = requestIdOf(action);
  const original = id === undefined ? null : await core.stores.requests.get(id);
  if (original === null) return [privately('That request no longer exists.')];
  const command = core.registry.mutating(original.command);
  const failed = original.outcome?.failures.map((failure) => failure.email) ?? [];
  if (command?.retryArgs === undefined || failed.length === 0) {
    return [privately('There are no failed users to retry in this request.')];
  }
  const refusal = await core.rbac.refusal(action.user, command.role, `retry ${command.name}`);
  if (refusal !== null) return [privately(refusal)];
  return startRequest(core, {
    command,
    args: command.retryArgs(original.args, failed),
    user: action.user,
    conversation: action.conversation,
    retryOf: original.id,
  });
}

async function viewerRefusal(core: Core, action: ActionRequest): Promise<Reply[] | null> {
  const refusal = await core.rbac.refusal(action.user, 'viewer', 'see this list');
  return refusal === null ? null : [privately(refusal)];
}

/** Previous / Next on a request's card or a stored list; Teams' refresh shows the current card. */
export async function pageAction(core: Core, action: ActionRequest): Promise<Reply[]> {
  const refused = await viewerRefusal(core, action);
  if (refused !== null) return refused;
  const page = Math.max(1, Number.parseInt(action.data['page'] ?? '1', 10) || 1);
  const requestId = requestIdOf(action);
  if (requestId !== undefined) {
    // Placed before the read: a card the request shows after it is newer than this page and stays.
    const inOrder = core.publisher.replacementOrder();
    const request = await core.stores.requests.get(requestId);
    if (request === null) return [privately('That request no longer exists.')];
    const card = await requestCard(core.stores.views, request, page);
    return [{ ...replacing(card(action.conversation.platform)), inOrder }];
  }
  const viewId = action.data['view'];
  const view = viewId === undefined ? null : await core.stores.views.get(viewId);
  if (view === null || viewId === undefined) return [privately('That list is no longer available.')];
  return [replacing(viewCard(view, viewId, action.conversation.platform, page))];
}

/** "Download CSV": the full list of a stored view, posted as a file beside the card. */
export async function csvAction(core: Core, action: ActionRequest): Promise<Reply[]> {
  const refused = await viewerRefusal(core, action);
  if (refused !== null) return refused;
  const viewId = action.data['csv'];
  const view = viewId === undefined ? null : await core.stores.views.get(viewId);
  const table = view === null ? undefined : csvTableOf(view);
  if (view === null || table === undefined) return [privately('That list is no longer available.')];
  const filename = `${slug(view.title)}.csv`;
  const content = toCsv(table.columns, table.rows);
  const { conversation } = action;
  core.background.run('upload csv', () =>
    core.surfaces.get(conversation.platform).uploadFile(conversation, filename, content),
  );
  return [
    { card: messageCard('CSV', `Sending ${filename} (${table.rows.length} rows).`), visibility: 'private' },
  ];
}
