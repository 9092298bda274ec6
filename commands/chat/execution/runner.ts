import { parseCardModel, type CardModel, type CardModelInput } from '../../../cards/model.js';
import { DatabaseUnavailableError, isDomainError } from '../../errors.js';
import type { Progress } from '../../engine/results.js';
import { progressCard, resultStateCard, resultViewId } from '../approvals/cards.js';
import { actorOf } from '../approvals/service.js';
import type { Execution, ExecutionHooks, MutatingCommand } from '../command.js';
import { contextFor, type Core } from '../core.js';
import type { ApprovalRequest } from '../model.js';
import { errorName } from './background.js';
import { planContent } from './render.js';

/**
 * Runs an approved request in the background: claims it (approved → executing, one winner), runs the
 * command with the request id as the engine's idempotency key, keeps a lease while it works, shows progress
 * at most once per interval, and ends with the result card (per-user failures, "Retry failed"). A run cut
 * off by a shutdown or a database outage stays 'executing' with its lease given up, for resumeInterrupted().
 */

/** Progress events arrive per user; the card is refreshed at most once per interval with the newest. */
function progressPump(core: Core, show: (progress: Progress) => Promise<void>) {
  let latest: Progress | undefined;
  let waiting = false;
  let stopped = false;
  let lastShownAt = Number.NEGATIVE_INFINITY;
  const flush = (): void => {
    waiting = false;
    if (latest === undefined || stopped) return;
    const progress = latest;
    latest = undefined;
    lastShownAt = Date.now();
    core.background.run('show progress', () => show(progress));
  };
  const push = (progress: Progress): void => {
    latest = progress;
    if (waiting) return;
    const wait = lastShownAt + core.settings.cardUpdateIntervalMs - Date.now();
    if (wait <= 0) {
      flush();
      return;
    }
    waiting = true;
    setTimeout(flush, wait).unref();
  };
  // Stopped before the final card, so no late progress card follows it.
  const stop = (): void => {
    stopped = true;
  };
  return { push, stop };
}

function keepLease(core: Core, request: ApprovalRequest, controller: AbortController): () => void {
  const leaseMs = core.settings.executionLeaseMs;
  const timer = setInterval(() => {
    core.service.renew(request, leaseMs).then(
      (kept) => {
        if (!kept) controller.abort(new Error('another process took this run over'));
      },
      (error: unknown) => {
        core.logger.warn({ requestId: request.id, err: errorName(error) }, 'could not renew a run lease');
      },
    );
  }, leaseMs / 4);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}

async function deliverPrivately(
  core: Core,
  request: ApprovalRequest,
  card: CardModelInput,
): Promise<boolean> {
  try {
    const surface = core.surfaces.get(request.requester.platform);
    await surface.postPrivate(request.requester, request.conversation, parseCardModel(card));
    return true;
  } catch (error) {
    // Only the error's class: an SDK error may echo the message it failed to send.
    core.logger.warn({ requestId: request.id, err: errorName(error) }, 'a private message could not be sent');
    return false;
  }
}

async function showResult(core: Core, request: ApprovalRequest, result: CardModel): Promise<void> {
  const latest = (await core.stores.requests.get(request.id)) ?? request;
  await core.publisher.show(request.id, (platform) => resultStateCard(latest, result, { platform }));
}

async function finishRun(core: Core, request: ApprovalRequest, execution: Execution): Promise<void> {
  const result = parseCardModel(execution.content);
  await core.stores.views.put(resultViewId(request.id), result);
  await core.service.finish(request, execution.outcome, execution.failed);
  await showResult(core, request, result);
}

function isInterruption(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || error instanceof DatabaseUnavailableError;
}

async function interrupted(core: Core, request: ApprovalRequest, plan: CardModel): Promise<void> {
  await core.service.release(request).catch(() => undefined);
  const card = parseCardModel({
    ...plan,
    status: 'Interrupted',
    tone: 'warning',
    buttons: [],
    notes: [
      {
        text: 'The run was interrupted (the bot stopped or its database became unavailable). It resumes when the bot starts again; users already done are not repeated.',
        tone: 'warning',
      },
    ],
  });
  await core.publisher.show(request.id, () => card);
}

async function failRun(core: Core, request: ApprovalRequest, plan: CardModel, error: unknown): Promise<void> {
  const reason = isDomainError(error)
    ? error.message
    : "Something unexpected went wrong; the bot's log has the details.";
  if (!isDomainError(error)) {
    const stack = error instanceof Error ? (error.stack ?? '').split('\n').slice(1, 8).join('\n') : '';
    core.logger.error({ requestId: request.id, err: errorName(error), stack }, 'a chat request failed');
  }
  const result = parseCardModel({ title: plan.title, notes: [{ text: reason, tone: 'danger' }] });
  await core.stores.views.put(resultViewId(request.id), result);
  const summary = `${request.command} failed: ${reason}`;
  await core.service.finish(request, { summary, totals: {}, failures: [], retryable: false }, true);
  await showResult(core, request, result);
}

function hooksFor(core: Core, request: ApprovalRequest, controller: AbortController, plan: CardModel) {
  const show = (progress: Progress) =>
    core.publisher.show(request.id, () => progressCard(request, plan, progress));
  const pump = progressPump(core, show);
  const hooks: ExecutionHooks = {
    operationId: request.id,
    actor: actorOf(request.requester),
    signal: controller.signal,
    onProgress: pump.push,
    deliverPrivately: (card) => deliverPrivately(core, request, card),
  };
  return { hooks, show, stopProgress: pump.stop };
}

async function run(core: Core, command: MutatingCommand, request: ApprovalRequest): Promise<void> {
  const plan = await planContent(core.stores.views, request);
  const controller = new AbortController();
  core.runs.add(controller);
  const stopLease = keepLease(core, request, controller);
  const { hooks, show, stopProgress } = hooksFor(core, request, controller, plan);
  try {
    await show({ done: 0, total: request.targets, failed: 0 });
    const context = contextFor(core, request.requester, request.conversation);
    const execution = await command.execute(context, request.args, hooks);
    stopProgress();
    await finishRun(core, request, execution);
  } catch (error) {
    stopProgress();
    if (isInterruption(error, controller.signal)) await interrupted(core, request, plan);
    else await failRun(core, request, plan, error);
  } finally {
    stopLease();
    core.runs.delete(controller);
  }
}

/** Claims `request` and runs it; does nothing when another click, process or resume claimed it first. */
export async function executeRequest(core: Core, request: ApprovalRequest): Promise<void> {
  const command = core.registry.mutating(request.command);
  if (command === undefined) {
    core.logger.error(
      { requestId: request.id, command: request.command },
      'a request names no known command',
    );
    return;
  }
  const claimed = await core.service.claim(request, core.settings.executionLeaseMs);
  if (claimed !== null) await run(core, command, claimed);
}

export function startExecution(core: Core, request: ApprovalRequest): void {
  core.background.run('execute request', () => executeRequest(core, request), { requestId: request.id });
}

/**
 * How long a request approved but not yet claimed is left to the process whose click approved it (it claims
 * within moments; its cards of the run are ordered with the click's reply only in that process). Past this,
 * that process is taken to have died between the approval and the claim.
 */
export const FRESH_APPROVAL_GRACE_MS = 30_000;

/**
 * At start-up and in the resume sweep: requests a crash left approved, or executing with a lease that ran
 * out, run again under the same idempotency key (the engine skips users the first attempt finished). Returns
 * how many were started.
 */
export async function resumeInterrupted(core: Core): Promise<number> {
  const now = core.clock.now().getTime();
  let started = 0;
  for (const request of await core.stores.requests.listUnfinished()) {
    if (request.state === 'executing' && (request.leaseUntil?.getTime() ?? 0) > now) continue;
    if (request.state === 'approved' && (request.decidedAt?.getTime() ?? 0) > now - FRESH_APPROVAL_GRACE_MS) {
      continue;
    }
    startExecution(core, request);
    started += 1;
  }
  return started;
}
