/**
 * Block Kit checks the Web API applies to messages (chat-platforms §1.7). Slack answers `invalid_blocks` for a
 * block that breaks a limit, `invalid_blocks_format` for blocks that are not a JSON array, and
 * `msg_blocks_too_long` at about 13,000 characters of block text in total (bolt-js issue #2509; how Slack
 * counts is not published: the sum of every `text` string is used here [unconfirmed]).
 */
export const MAX_MESSAGE_BLOCKS = 50;
export const MAX_TOTAL_BLOCK_TEXT = 13_000;

export class SlackError extends Error {
  constructor(readonly error: string) {
    super(error);
  }
}

const KNOWN_BLOCK_TYPES = new Set([
  'section',
  'header',
  'divider',
  'actions',
  'context',
  'image',
  'input',
  'rich_text',
  'markdown',
  'file',
  'video',
]);

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(value: unknown): string | undefined {
  return isNode(value) && typeof value.text === 'string' ? value.text : undefined;
}

function within(value: string | undefined, max: number): boolean {
  return value === undefined || value.length <= max;
}

function checkConfirm(confirm: unknown): boolean {
  if (confirm === undefined) return true;
  if (!isNode(confirm)) return false;
  return (
    within(textOf(confirm.title), 100) &&
    within(textOf(confirm.text), 300) &&
    within(textOf(confirm.confirm), 30) &&
    within(textOf(confirm.deny), 30)
  );
}

function checkElement(element: unknown): boolean {
  if (!isNode(element) || typeof element.type !== 'string') return false;
  if (typeof element.action_id === 'string' && element.action_id.length > 255) return false;
  if (element.type !== 'button') return checkConfirm(element.confirm);
  const text = element.text;
  if (!isNode(text) || text.type !== 'plain_text' || !within(textOf(text), 75)) return false;
  if (typeof element.value === 'string' && element.value.length > 2000) return false;
  if (typeof element.url === 'string' && element.url.length > 3000) return false;
  if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') return false;
  return checkConfirm(element.confirm);
}

function checkSection(block: Node): boolean {
  const fields = block.fields;
  if (block.text === undefined && fields === undefined) return false;
  if (!within(textOf(block.text), 3000)) return false;
  if (fields !== undefined) {
    if (!Array.isArray(fields) || fields.length > 10) return false;
    if (!fields.every((field) => within(textOf(field), 2000))) return false;
  }
  return block.accessory === undefined || checkElement(block.accessory);
}

function checkBlock(block: unknown): boolean {
  if (!isNode(block) || typeof block.type !== 'string' || !KNOWN_BLOCK_TYPES.has(block.type)) return false;
  if (typeof block.block_id === 'string' && block.block_id.length > 255) return false;
  const elements = block.elements;
  switch (block.type) {
    case 'section':
      return checkSection(block);
    case 'header':
      return isNode(block.text) && block.text.type === 'plain_text' && within(textOf(block.text), 150);
    case 'actions':
      return (
        Array.isArray(elements) &&
        elements.length >= 1 &&
        elements.length <= 25 &&
        elements.every(checkElement)
      );
    case 'context':
      return Array.isArray(elements) && elements.length >= 1 && elements.length <= 10;
    case 'markdown':
      return typeof block.text === 'string' && block.text.length <= 12_000;
    default:
      return true;
  }
}

/** Sum of every `text` string anywhere in the blocks. */
function totalText(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + totalText(item), 0);
  if (!isNode(value)) return 0;
  let sum = 0;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'text' && typeof child === 'string') sum += child.length;
    else sum += totalText(child);
  }
  return sum;
}

/** Parses `blocks` as the Web API receives it (a JSON string in forms, an array in JSON) and checks it. */
export function parseBlocks(raw: unknown): unknown[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  let blocks: unknown = raw;
  if (typeof raw === 'string') {
    try {
      blocks = JSON.parse(raw) as unknown;
    } catch {
      throw new SlackError('invalid_blocks_format');
    }
  }
  if (!Array.isArray(blocks)) throw new SlackError('invalid_blocks_format');
  if (blocks.length > MAX_MESSAGE_BLOCKS || !blocks.every(checkBlock)) throw new SlackError('invalid_blocks');
  const ids = blocks.flatMap((block) =>
    isNode(block) && typeof block.block_id === 'string' ? [block.block_id] : [],
  );
  if (new Set(ids).size !== ids.length) throw new SlackError('invalid_blocks');
  if (totalText(blocks) > MAX_TOTAL_BLOCK_TEXT) throw new SlackError('msg_blocks_too_long');
  return blocks as unknown[];
}
