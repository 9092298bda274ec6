/**
 * Validates a Slack message against Block Kit's documented limits, as recorded in chat-platforms.md §1.7
 * (sources there: Slack's block reference and node-slack-sdk's block-kit types):
 *   blocks per message 50 · header text 150 · section text 3000 · section fields 10 × 2000 ·
 *   actions elements 25 · context elements 10 · button text 75 / action_id 255 / value 2000 /
 *   style primary|danger · confirm title 100 / text 300 / confirm 30 / deny 30 ·
 *   message `text` always present (§1.3 "Always add top-level text") and ≤ 40 000 ·
 *   msg_blocks_too_long at ~13 000 characters in total (bolt-js #2509): every string counted, < 13 000.
 * Plus Slack's composition-object rules this code relies on: text objects are plain_text or mrkdwn with
 * 1–3000 characters, action_ids are unique within the message, and mrkdwn text carries no raw "<" / ">"
 * and only &amp; &lt; &gt; entities (Slack's escaping rule, so data cannot become mentions or links).
 * Returns every problem found, each with its path; [] means valid.
 */

const LIMITS = {
  blocks: 50,
  header: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  actionsElements: 25,
  contextElements: 10,
  buttonText: 75,
  actionId: 255,
  buttonValue: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  denyButton: 30,
  messageText: 40_000,
  textObject: 3000,
  cliff: 13_000,
} as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function allStrings(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + allStrings(item), 0);
  if (isObject(value)) return Object.values(value).reduce((sum: number, item) => sum + allStrings(item), 0);
  return 0;
}

class Checker {
  readonly errors: string[] = [];
  readonly actionIds = new Set<string>();

  fail(path: string, message: string): void {
    this.errors.push(`${path}: ${message}`);
  }

  text(value: unknown, path: string, max: number, plainOnly = false): void {
    if (!isObject(value)) {
      this.fail(path, 'must be a text object');
      return;
    }
    const type = value['type'];
    if (type !== 'plain_text' && (plainOnly || type !== 'mrkdwn')) {
      this.fail(`${path}.type`, plainOnly ? 'must be plain_text' : 'must be plain_text or mrkdwn');
    }
    const text = value['text'];
    if (typeof text !== 'string' || text.length < 1) {
      this.fail(`${path}.text`, 'must be 1+ characters');
      return;
    }
    if (text.length > Math.min(max, LIMITS.textObject))
      this.fail(`${path}.text`, `${text.length} > ${max} characters`);
    if (type === 'mrkdwn') {
      if (/[<>]/.test(text)) this.fail(`${path}.text`, 'unescaped < or > in mrkdwn');
      if (/&(?!amp;|lt;|gt;)/.test(text)) this.fail(`${path}.text`, 'unescaped & in mrkdwn');
    }
  }

  button(element: Record<string, unknown>, path: string): void {
    this.text(element['text'], `${path}.text`, LIMITS.buttonText, true);
    const actionId = element['action_id'];
    if (typeof actionId !== 'string' || actionId.length < 1 || actionId.length > LIMITS.actionId) {
      this.fail(`${path}.action_id`, `must be 1–${LIMITS.actionId} characters`);
    } else if (this.actionIds.has(actionId)) this.fail(`${path}.action_id`, `"${actionId}" is not unique`);
    else this.actionIds.add(actionId);
    const value = element['value'];
    if (value !== undefined && (typeof value !== 'string' || value.length > LIMITS.buttonValue)) {
      this.fail(`${path}.value`, `must be a string of ≤ ${LIMITS.buttonValue} characters`);
    }
    const style = element['style'];
    if (style !== undefined && style !== 'primary' && style !== 'danger')
      this.fail(`${path}.style`, 'primary|danger');
    const confirm = element['confirm'];
    if (confirm !== undefined) this.confirm(confirm, `${path}.confirm`);
    for (const key of Object.keys(element)) {
      if (
        !['type', 'text', 'action_id', 'value', 'style', 'confirm', 'url', 'accessibility_label'].includes(
          key,
        )
      ) {
        this.fail(`${path}.${key}`, 'not a button property');
      }
    }
  }

  confirm(confirm: unknown, path: string): void {
    if (!isObject(confirm)) {
      this.fail(path, 'must be a confirm object');
      return;
    }
    this.text(confirm['title'], `${path}.title`, LIMITS.confirmTitle, true);
    this.text(confirm['text'], `${path}.text`, LIMITS.confirmText);
    this.text(confirm['confirm'], `${path}.confirm`, LIMITS.confirmButton, true);
    this.text(confirm['deny'], `${path}.deny`, LIMITS.denyButton, true);
    const style = confirm['style'];
    if (style !== undefined && style !== 'primary' && style !== 'danger')
      this.fail(`${path}.style`, 'primary|danger');
  }

  block(block: unknown, path: string): void {
    if (!isObject(block)) {
      this.fail(path, 'a block must be an object');
      return;
    }
    const blockId = block['block_id'];
    if (blockId !== undefined && (typeof blockId !== 'string' || blockId.length > 255)) {
      this.fail(`${path}.block_id`, 'must be ≤ 255 characters');
    }
    switch (block['type']) {
      case 'header': {
        this.text(block['text'], `${path}.text`, LIMITS.header, true);
        return;
      }
      case 'divider':
        return;
      case 'section': {
        this.section(block, path);
        return;
      }
      case 'context': {
        this.list(block['elements'], `${path}.elements`, LIMITS.contextElements, (element, at) => {
          this.text(element, at, LIMITS.textObject);
        });
        return;
      }
      case 'actions': {
        this.list(block['elements'], `${path}.elements`, LIMITS.actionsElements, (element, at) => {
          if (!isObject(element) || element['type'] !== 'button') {
            this.fail(at, 'only buttons expected');
            return;
          }
          this.button(element, at);
        });
        return;
      }
      default:
        this.fail(`${path}.type`, `unexpected block type ${String(block['type'])}`);
    }
  }

  section(block: Record<string, unknown>, path: string): void {
    if (block['text'] === undefined && block['fields'] === undefined) this.fail(path, 'needs text or fields');
    if (block['text'] !== undefined) this.text(block['text'], `${path}.text`, LIMITS.sectionText);
    if (block['fields'] !== undefined) {
      this.list(block['fields'], `${path}.fields`, LIMITS.fields, (field, at) => {
        this.text(field, at, LIMITS.fieldText);
      });
    }
  }

  list(value: unknown, path: string, max: number, each: (item: unknown, path: string) => void): void {
    if (!Array.isArray(value) || value.length < 1) {
      this.fail(path, 'must be a non-empty array');
      return;
    }
    if (value.length > max) this.fail(path, `${value.length} > ${max} elements`);
    value.forEach((item, index) => {
      each(item, `${path}[${index}]`);
    });
  }
}

export function validateBlockKitMessage(message: { text?: unknown; blocks?: unknown }): string[] {
  const checker = new Checker();
  const { text, blocks } = message;
  if (typeof text !== 'string' || text.trim() === '') checker.fail('text', 'top-level text is required');
  else if (text.length > LIMITS.messageText) checker.fail('text', `> ${LIMITS.messageText} characters`);
  if (!Array.isArray(blocks)) return [...checker.errors, 'blocks: must be an array'];
  if (blocks.length > LIMITS.blocks) checker.fail('blocks', `${blocks.length} > ${LIMITS.blocks} blocks`);
  blocks.forEach((block, index) => {
    checker.block(block, `blocks[${index}]`);
  });
  const total = allStrings(blocks);
  if (total >= LIMITS.cliff)
    checker.fail('blocks', `${total} characters in all: msg_blocks_too_long territory`);
  return checker.errors;
}
