import { parseCardModel, type CardModel } from '../../cards/model.js';
import { TABLE_PAGE_SIZE } from '../../cards/paginate.js';
import { DatabaseUnavailableError, isDomainError } from '../errors.js';
import { pageOf, refusalCard, UNAVAILABLE_SENTENCE, workingCard } from './cards.js';
import type { Answer, ReadCommand, StoredArgs } from './command.js';
import { contextFor, type Core } from './core.js';
import { errorName } from './execution/background.js';
import type { ChatUser, ConversationRef, Platform, Reply } from './types.js';

/**
 * Read-only commands answer at once. A long answer is stored as a view, so Previous / Next and "Download
 * CSV" work from the opaque view id; one that reads Microsoft 365 (import-preview) answers with a "working"
 * card at once and fills it in when the answer is ready.
 */

export function slug(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return cleaned === '' ? 'list' : cleaned;
}

/** Page `page` of a stored view for a platform. */
export function viewCard(card: CardModel, viewId: string, platform: Platform, page: number): CardModel {
  return pageOf(card, {
    platform,
    page,
    data: { view: viewId },
    viewId,
    csvFilename: `${slug(card.title)}.csv`,
  });
}

const smallestPage = Math.min(...Object.values(TABLE_PAGE_SIZE));

async function storedIfLong(core: Core, card: CardModel): Promise<string | undefined> {
  if (!card.tables.some((table) => table.rows.length > smallestPage)) return undefined;
  const viewId = `v.${core.newId()}`;
  await core.stores.views.put(viewId, card);
  return viewId;
}

async function render(core: Core, answer: Answer, conversation: ConversationRef): Promise<CardModel> {
  const card = parseCardModel(answer.card);
  if (answer.file !== undefined) {
    const { filename, content } = answer.file;
    core.background.run('upload file', () =>
      core.surfaces.get(conversation.platform).uploadFile(conversation, filename, content),
    );
  }
  const viewId = await storedIfLong(core, card);
  return viewId === undefined ? card : viewCard(card, viewId, conversation.platform, 1);
}

function failureCard(core: Core, error: unknown): CardModel {
  if (error instanceof DatabaseUnavailableError) return refusalCard(UNAVAILABLE_SENTENCE);
  if (isDomainError(error)) return refusalCard(error.message);
  core.logger.error({ err: errorName(error) }, 'a read-only chat command failed');
  return refusalCard("Something unexpected went wrong; the bot's log has the details.");
}

export async function answerRead(
  core: Core,
  command: ReadCommand,
  args: StoredArgs,
  user: ChatUser,
  conversation: ConversationRef,
): Promise<Reply[]> {
  const context = contextFor(core, user, conversation);
  if (!command.slow) {
    try {
      const card = await render(core, await command.answer(context, args), conversation);
      return [{ card, visibility: 'conversation' }];
    } catch (error) {
      if (error instanceof DatabaseUnavailableError) throw error;
      return [{ card: failureCard(core, error), visibility: 'private' }];
    }
  }
  const key = `r.${core.newId()}`;
  core.background.run('answer', async () => {
    let card: CardModel;
    try {
      card = await render(core, await command.answer(context, args), conversation);
    } catch (error) {
      card = failureCard(core, error);
    }
    await core.publisher.show(key, () => card);
  });
  return [
    {
      card: workingCard(command.name, 'Reading Microsoft 365; the answer replaces this card.'),
      visibility: 'conversation',
      tracking: { requestId: key },
    },
  ];
}
