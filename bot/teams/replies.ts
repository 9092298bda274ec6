import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import type { CardModel } from '../../cards/model.js';
import { REFRESH_VERB } from '../../cards/model.js';
import { renderAdaptiveCard } from '../../cards/render-adaptive.js';
import type { ChatOps, MessageRef, Reply } from '../../commands/chat/types.js';
import { csvActivities } from './card-activity.js';
import type { TeamsMessenger } from './messenger.js';
import type { Origin } from './requests.js';
import type { TeamsSurface } from './surface.js';

/**
 * The chat core's replies → Teams.
 * - A reply for the conversation is a new message there (a command's reply threads under the command).
 * - A private reply goes to the acting user's 1:1 chat with the bot — never the channel or group chat; in
 *   that personal chat it is simply a reply. (A user-specific card view via refresh.userIds would still put
 *   a base card into the channel, so it is not used for private content.)
 * - On a click, the reply marked replaceOriginal takes the clicked card's place: in the invoke response for the
 *   user who clicked, and — when it is for the conversation — updated in place for everyone else too.
 * A tracked reply's message id goes back to the core (ChatOps.bindMessage) so its later updates edit it.
 */
export interface ReplyDeps {
  chatOps: ChatOps;
  messenger: TeamsMessenger;
  surface: TeamsSurface;
}

export function staysInConversation(reply: Reply, origin: Origin): boolean {
  return reply.visibility === 'conversation' || origin.conversation.kind === 'personal';
}

async function bind(deps: ReplyDeps, reply: Reply, message: MessageRef): Promise<void> {
  if (reply.tracking) await deps.chatOps.bindMessage(reply.tracking.requestId, message);
}

/**
 * Updates the clicked message with the replacement card for everyone — in order with the core's own updates
 * of that message when the reply says how (Reply.inOrder): a short run's Done may have reached it already, and
 * the click's older card must not paint over it. False when it was left out for that reason.
 */
async function replaceForEveryone(
  deps: ReplyDeps,
  context: TurnContext,
  message: MessageRef,
  replacement: Reply,
): Promise<boolean> {
  const update = () => deps.messenger.updateCard(context, message.messageId, replacement.card);
  if (replacement.inOrder !== undefined) return replacement.inOrder(message, update);
  await update();
  return true;
}

/** One reply as a new message: in `context` (a turn in the origin's conversation), or privately. */
export async function deliverReply(
  deps: ReplyDeps,
  context: TurnContext,
  origin: Origin,
  reply: Reply,
): Promise<void> {
  if (staysInConversation(reply, origin)) {
    const messageId = await deps.messenger.sendCard(context, reply.card);
    await bind(deps, reply, { conversation: origin.conversation, messageId });
    return;
  }
  const message = await deps.surface.postPrivateMessage(origin.user, origin.conversation, reply.card);
  await bind(deps, reply, message);
}

export async function deliverReplies(
  deps: ReplyDeps,
  context: TurnContext,
  origin: Origin,
  replies: readonly Reply[],
): Promise<void> {
  for (const reply of replies) await deliverReply(deps, context, origin, reply);
}

const CARD_RESPONSE = 'application/vnd.microsoft.card.adaptive';
const MESSAGE_RESPONSE = 'application/vnd.microsoft.activity.message';

/** A text for the user who clicked, the card left as it is (botbuilder types `value` as an object only). */
export function messageResponse(text: string): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: MESSAGE_RESPONSE, value: text as unknown as Record<string, unknown> };
}

export function errorResponse(message: string): AdaptiveCardInvokeResponse {
  return {
    statusCode: 500,
    type: 'application/vnd.microsoft.error',
    value: { code: 'InternalError', message },
  };
}

/** A short card (a refusal: title and one sentence) as the one line Teams shows under the clicked card. */
export function cardAsText(card: CardModel): string {
  const lines = [card.title, card.subtitle, ...card.notes.map((note) => note.text)];
  const text = lines.filter((line) => line !== undefined && line !== '').join(': ');
  return text.length > 1000 ? `${text.slice(0, 999)}…` : text;
}

/**
 * Whether a replacement card goes to everyone too. Not for a private one, not in a personal chat (one
 * viewer), and not for a refresh: a refresh answers one user's view, and updating the base card would make
 * Teams fire refreshes again.
 */
function replacesForEveryone(reply: Reply, origin: Origin, verb: string, automatic: boolean): boolean {
  return (
    reply.visibility === 'conversation' &&
    origin.conversation.kind !== 'personal' &&
    verb !== REFRESH_VERB &&
    !automatic
  );
}

export interface Click {
  verb: string;
  automatic: boolean;
  /** The clicked card's message id (the invoke's replyToId). */
  messageId: string | undefined;
}

/**
 * Answers an Action.Execute click within the invoke. The replacement card is the invoke response (the user who
 * clicked sees it at once) and, when it is for everyone, also updates the clicked message. Without one, the
 * first private reply (a refusal, "already decided") becomes the line Teams shows to the clicker alone. Every
 * other reply is delivered in this turn as usual.
 */
export async function answerInvoke(
  deps: ReplyDeps,
  context: TurnContext,
  origin: Origin,
  replies: readonly Reply[],
  click: Click,
): Promise<AdaptiveCardInvokeResponse> {
  const replacement = replies.find((reply) => reply.replaceOriginal === true);
  const note =
    replacement === undefined ? replies.find((reply) => reply.visibility === 'private') : undefined;
  const others = replies.filter((reply) => reply !== replacement && reply !== note);
  let superseded = false;
  if (replacement !== undefined && click.messageId !== undefined) {
    const message = { conversation: origin.conversation, messageId: click.messageId };
    if (replacesForEveryone(replacement, origin, click.verb, click.automatic))
      superseded = !(await replaceForEveryone(deps, context, message, replacement));
    if (!superseded) await bind(deps, replacement, message);
  }
  await deliverReplies(deps, context, origin, others);
  // A newer card already replaced the clicked one for everyone: the clicker's view keeps it too.
  if (superseded) return messageResponse('Done.');
  if (replacement === undefined) return messageResponse(note === undefined ? 'Done.' : cardAsText(note.card));
  const rendered = renderAdaptiveCard(replacement.card);
  for (const file of rendered.files)
    await deps.messenger.sendActivities(context, csvActivities(file.filename, file.content));
  return { statusCode: 200, type: CARD_RESPONSE, value: rendered.card };
}

/**
 * Replies to a click that cannot go into an invoke response: an Action.Submit fallback (no inline card reply,
 * chat-platforms.md §2.4), or an Action.Execute whose answer missed the invoke deadline. The replacement card
 * updates the clicked message; the rest are delivered as usual.
 */
export async function applyReplacement(
  deps: ReplyDeps,
  context: TurnContext,
  origin: Origin,
  replies: readonly Reply[],
  clickedMessageId: string | undefined,
): Promise<void> {
  const replacement =
    clickedMessageId === undefined ? undefined : replies.find((reply) => reply.replaceOriginal === true);
  if (replacement !== undefined && clickedMessageId !== undefined) {
    if (staysInConversation(replacement, origin)) {
      const message = { conversation: origin.conversation, messageId: clickedMessageId };
      if (await replaceForEveryone(deps, context, message, replacement))
        await bind(deps, replacement, message);
    } else await deliverReply(deps, context, origin, replacement);
  }
  await deliverReplies(
    deps,
    context,
    origin,
    replies.filter((reply) => reply !== replacement),
  );
}
