import type { CardModel } from '../../../cards/model.js';
import { planStateCard, planViewId, resultStateCard, resultViewId } from '../approvals/cards.js';
import type { ApprovalRequest } from '../model.js';
import type { ChatViews } from '../ports.js';
import type { CardForPlatform } from './publisher.js';

/** A request's card for its current state, from its stored plan or result (page `page` of long tables). */

export async function planContent(views: ChatViews, request: ApprovalRequest): Promise<CardModel> {
  return (await views.get(planViewId(request.id))) ?? { ...fallback(request) };
}

function fallback(request: ApprovalRequest): CardModel {
  return {
    title: request.summary || request.command,
    tone: 'info',
    facts: [],
    tables: [],
    notes: [],
    buttons: [],
  };
}

export async function requestCard(
  views: ChatViews,
  request: ApprovalRequest,
  page = 1,
): Promise<CardForPlatform> {
  if (request.state === 'completed' || request.state === 'failed') {
    const result = (await views.get(resultViewId(request.id))) ?? {
      ...fallback(request),
      notes: [{ text: request.outcome?.summary ?? '' }],
    };
    return (platform) => resultStateCard(request, result, { platform, page });
  }
  const plan = await planContent(views, request);
  return (platform) => planStateCard(request, plan, { platform, page });
}
