import { parseCardModel, type CardModel } from '../../cards/model.js';
import { DatabaseUnavailableError, isDomainError } from '../errors.js';
import { planViewId } from './approvals/cards.js';
import { policyFor } from './approvals/policy.js';
import { UNAVAILABLE_SENTENCE, workingCard } from './cards.js';
import type { MutatingCommand, Plan, StoredArgs } from './command.js';
import { contextFor, type Core } from './core.js';
import { errorName } from './execution/background.js';
import { requestCard } from './execution/render.js';
import type { ApprovalRequest } from './model.js';
import type { ChatUser, ConversationRef, Reply } from './types.js';
import { viewCard } from './views.js';

/**
 * A mutating command becomes a request: the reply is a "working" card at once (never awaiting Microsoft 365);
 * the plan — the engine's dry run — follows in the background and replaces it, with Approve / Cancel. Nothing
 * changes before the request is approved.
 */

export interface RequestStart {
  command: MutatingCommand;
  args: StoredArgs;
  user: ChatUser;
  conversation: ConversationRef;
  retryOf?: string;
}

export function startRequest(core: Core, start: RequestStart): Reply[] {
  const requestId = core.newId();
  core.background.run('plan request', () => planRequest(core, requestId, start), { requestId });
  const card = workingCard(
    start.command.name,
    'Working out what would change; nothing changes before it is confirmed or approved.',
  );
  return [{ card, visibility: 'conversation', tracking: { requestId } }];
}

function planFailure(core: Core, error: unknown, requestId: string): string {
  if (error instanceof DatabaseUnavailableError) return UNAVAILABLE_SENTENCE;
  if (isDomainError(error)) return `${error.message} Nothing was changed.`;
  core.logger.error({ requestId, err: errorName(error) }, 'planning a chat request failed');
  return "Something unexpected went wrong while planning, so nothing was changed; the bot's log has the details.";
}

async function showRefusal(core: Core, requestId: string, plan: Plan, refusal: string): Promise<void> {
  const content = parseCardModel(plan.content);
  const card: CardModel = {
    ...content,
    status: 'Nothing to approve',
    tone: 'warning',
    notes: [...content.notes, { text: refusal, tone: 'warning' }],
  };
  const viewId = planViewId(requestId);
  await core.stores.views.put(viewId, card);
  await core.publisher.show(requestId, (platform) => viewCard(card, viewId, platform, 1));
}

async function createRequest(core: Core, requestId: string, start: RequestStart, plan: Plan) {
  const policy = policyFor(start.command, plan.targets, core.settings);
  const now = core.clock.now();
  const request = await core.service.create({
    id: requestId,
    command: start.command.name,
    args: plan.args ?? start.args,
    requester: start.user,
    conversation: start.conversation,
    summary: plan.summary,
    targets: plan.targets,
    policy,
    state: 'pending',
    createdAt: now,
    expiresAt: new Date(now.getTime() + core.settings.approvals.requestTtlMs),
    retryOf: start.retryOf ?? null,
  });
  await core.jobs.scheduleApprovalExpiry(request.id, request.expiresAt);
  return request;
}

async function planRequest(core: Core, requestId: string, start: RequestStart): Promise<void> {
  try {
    const plan = await start.command.plan(contextFor(core, start.user, start.conversation), start.args);
    if (plan.refusal !== undefined) {
      await showRefusal(core, requestId, plan, plan.refusal);
      return;
    }
    await core.stores.views.put(planViewId(requestId), parseCardModel(plan.content));
    const request = await createRequest(core, requestId, start, plan);
    await core.publisher.show(requestId, await requestCard(core.stores.views, request));
    if (request.policy.mode === 'approvers') await postForApproval(core, request);
  } catch (error) {
    const sentence = planFailure(core, error, requestId);
    const card = parseCardModel({
      title: start.command.name,
      status: 'Not planned',
      tone: 'warning',
      notes: [{ text: sentence, tone: 'warning' }],
    });
    await core.publisher.show(requestId, () => card);
  }
}

function isSameConversation(a: { platform: string; id: string }, b: { platform: string; id: string }) {
  return a.platform === b.platform && a.id === b.id;
}

/** A request that needs approvers is also posted in the approvals channel, when one is configured. */
async function postForApproval(core: Core, request: ApprovalRequest): Promise<void> {
  const channel = core.settings.approvals.channel;
  if (channel === null) return;
  const target = { platform: channel.platform, id: channel.conversationId };
  if (isSameConversation(target, request.conversation) || !core.surfaces.has(channel.platform)) return;
  try {
    const conversation = (await core.stores.conversations.find(target.platform, target.id)) ?? {
      ...target,
      kind: 'channel' as const,
    };
    // The request is read again after the mark: one decided since it was planned (cancelled by its requester,
    // say) is not posted for approval, and any card shown from here on reaches the post through adopt().
    const shownAsOf = core.publisher.mark();
    const current = await core.stores.requests.get(request.id);
    if (current?.state !== 'pending') return;
    const card = (await requestCard(core.stores.views, current))(channel.platform);
    const message = await core.surfaces.get(channel.platform).post(conversation, card);
    await core.publisher.adopt(request.id, message, shownAsOf);
  } catch (error) {
    core.logger.warn(
      { requestId: request.id, err: errorName(error) },
      'could not post a request in the approvals channel',
    );
  }
}

/** Remembers the approvals channel's conversation reference when the bot hears from it (Teams needs it). */
export function rememberConversation(core: Core, conversation: ConversationRef): void {
  const channel = core.settings.approvals.channel;
  if (channel === null) return;
  if (!isSameConversation({ platform: channel.platform, id: channel.conversationId }, conversation)) return;
  core.background.run('remember conversation', () => core.stores.conversations.remember(conversation));
}
