import { DOWNLOAD_CSV_VERB, PAGE_NEXT_VERB, PAGE_PREV_VERB, REFRESH_VERB } from '../../cards/model.js';
import { DatabaseUnavailableError } from '../errors.js';
import { approveAction, cancelAction, csvAction, pageAction, privately, retryAction } from './actions.js';
import { APPROVE_VERB, CANCEL_VERB, RETRY_VERB } from './approvals/cards.js';
import { ArgumentError, parseLine } from './arguments.js';
import { argumentErrorCard, clipped, unavailableCard } from './cards.js';
import type { StoredArgs } from './command.js';
import { assembleCore, parseContextFor, type ChatOpsDeps, type Core } from './core.js';
import { postDigest, type DigestResult } from './digest.js';
import { errorName } from './execution/background.js';
import { requestCard } from './execution/render.js';
import { resumeInterrupted } from './execution/runner.js';
import type { Resolution } from './registry.js';
import { rememberConversation, startRequest } from './requests.js';
import type { ActionRequest, ChatOps, ChatSurface, CommandRequest, Reply } from './types.js';
import { answerRead } from './views.js';

/**
 * The chat core both adapters call. Every entry answers within a few database round trips: planning and
 * running go on in the background (see requests.ts, execution/runner.ts). A database outage is answered
 * with "temporarily unavailable, nothing was changed".
 */

export interface ChatCore extends ChatOps {
  registerSurface(surface: ChatSurface): void;
  /** Call once at start-up: runs a crash left approved or executing continue under the same operation id. */
  resumeInterrupted(): Promise<number>;
  /** The approval-expiry job's handler. */
  expireRequest(requestId: string): Promise<void>;
  /** The digest job's handler. */
  postDigest(subscriptionId: string): Promise<DigestResult>;
  /** Resolves when no background work (plans, runs, card updates) is left. */
  idle(): Promise<void>;
  /** Stops runs in progress (they resume at the next start) and waits for background work. */
  stop(): Promise<void>;
}

export { type ChatOpsDeps } from './core.js';

/**
 * More than any command needs (2,000 addresses fit): longer text is refused before it is even split into
 * words, so no amount of text keeps the bot busy.
 */
export const MAX_COMMAND_CHARACTERS = 100_000;

function unknownSentence(resolution: Extract<Resolution, { kind: 'unknown' }>): string {
  const guess = resolution.suggestion === undefined ? '' : ` Did you mean "${resolution.suggestion}"?`;
  return `"${clipped(resolution.word)}" is not a command.${guess} Type "help" for the list.`;
}

function tooLongSentence(text: string): string {
  const count = (n: number) => n.toLocaleString('en-US');
  return `That message is ${count(text.length)} characters long; a command can be at most ${count(MAX_COMMAND_CHARACTERS)}.`;
}

async function commandReplies(core: Core, request: CommandRequest): Promise<Reply[]> {
  rememberConversation(core, request.conversation);
  if (request.text.length > MAX_COMMAND_CHARACTERS) return [privately(tooLongSentence(request.text))];
  const resolution = core.registry.resolve(request.text);
  if (resolution.kind === 'empty') return commandReplies(core, { ...request, text: 'help' });
  if (resolution.kind === 'unknown') return [privately(unknownSentence(resolution))];
  const { command } = resolution;
  if (command.everyone !== true) {
    const refusal = await core.rbac.refusal(request.user, command.role, `run ${command.name}`);
    if (refusal !== null) return [privately(refusal)];
  }
  let args: StoredArgs;
  try {
    const line = parseLine(resolution.rest, command.options, command.name);
    args = command.parse(line, parseContextFor(core, request.user, request.mentions ?? []));
  } catch (error) {
    if (!(error instanceof ArgumentError)) throw error;
    return [{ card: argumentErrorCard(error.message, command.example), visibility: 'private' }];
  }
  if (command.kind === 'read') {
    return answerRead(core, command, args, request.user, request.conversation);
  }
  return startRequest(core, { command, args, user: request.user, conversation: request.conversation });
}

async function actionReplies(core: Core, action: ActionRequest): Promise<Reply[]> {
  rememberConversation(core, action.conversation);
  switch (action.verb) {
    case APPROVE_VERB:
      return approveAction(core, action);
    case CANCEL_VERB:
      return cancelAction(core, action);
    case RETRY_VERB:
      return retryAction(core, action);
    case PAGE_PREV_VERB:
    case PAGE_NEXT_VERB:
    case REFRESH_VERB:
      return pageAction(core, action);
    case DOWNLOAD_CSV_VERB:
      return csvAction(core, action);
    default:
      return [privately('This button is no longer supported.')];
  }
}

const unavailable = (): Reply[] => [{ card: unavailableCard(), visibility: 'private' }];
const HEALTH_POLL_MS = 500;

/**
 * Settles with the "temporarily unavailable" answer as soon as the health check says the database is gone
 * while `work` still waits (on it); never, otherwise. A command abandoned so has changed nothing yet that
 * the admin could see; whatever it finishes later is not shown.
 */
function unavailableWhileWaiting(core: Core, work: Promise<unknown>): Promise<Reply[]> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (core.databaseAvailable()) return;
      clearInterval(timer);
      resolve(unavailable());
    }, HEALTH_POLL_MS);
    timer.unref();
    const stop = (): void => {
      clearInterval(timer);
    };
    work.then(stop, stop);
  });
}

/** Nothing escapes to the adapter: an outage or a bug becomes a private sentence. */
async function guarded(core: Core, what: string, work: () => Promise<Reply[]>): Promise<Reply[]> {
  if (!core.databaseAvailable()) return unavailable();
  try {
    const running = work();
    // The race's loser is still awaited by nobody: its rejection must not count as unhandled.
    running.catch(() => undefined);
    return await Promise.race([running, unavailableWhileWaiting(core, running)]);
  } catch (error) {
    if (error instanceof DatabaseUnavailableError) return unavailable();
    core.logger.error({ err: errorName(error), what }, 'a chat request failed');
    return [privately("Something went wrong, so nothing was changed; the bot's log has the details.")];
  }
}

export function createChatOps(deps: ChatOpsDeps): ChatCore {
  const core = assembleCore(deps);
  const idle = async (): Promise<void> => {
    await core.background.idle();
    await core.publisher.throttle.idle();
    await core.background.idle();
  };
  return {
    handleCommand: (request) => guarded(core, 'command', () => commandReplies(core, request)),
    handleAction: (action) => guarded(core, `action ${action.verb}`, () => actionReplies(core, action)),
    // The adapter can do nothing better with a failure here: the card just stops being updated.
    bindMessage: (requestId, message) =>
      core.publisher.bind(requestId, message).catch((error: unknown) => {
        core.logger.warn({ requestId, err: errorName(error) }, 'could not record a posted message');
      }),
    registerSurface: (surface) => {
      core.surfaces.register(surface);
    },
    resumeInterrupted: () => resumeInterrupted(core),
    async expireRequest(requestId) {
      const expired = await core.service.expire(requestId);
      if (expired !== null)
        await core.publisher.show(requestId, await requestCard(core.stores.views, expired));
    },
    postDigest: (subscriptionId) => postDigest(core, subscriptionId),
    idle,
    async stop() {
      for (const run of core.runs) run.abort(new Error('the bot is stopping'));
      await idle();
    },
  };
}
