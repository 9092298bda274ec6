import { describe, expect, it } from '@jest/globals';
import { cardButtons } from '../../cards/actions.js';
import { parseCardModel, type Button } from '../../cards/model.js';
import { renderAdaptiveCard } from '../../cards/render-adaptive.js';
import { renderBlockKit, verbOfActionId } from '../../cards/render-blockkit.js';
import { validateAdaptiveCard } from './support/adaptive-validator.js';
import { validateBlockKitMessage } from './support/blockkit-validator.js';
import { randomCardModel } from './support/random-models.js';

/**
 * Property tests, lite: many random valid models (long strings, Unicode, markup, 500-row tables, 30 buttons),
 * each rendered by both renderers and checked against the validators and the renderers' promises.
 */

const SEEDS = Array.from({ length: 120 }, (_, index) => index + 1);

interface FoundAction {
  verb: string;
  data: unknown;
}

/** Every Action.Execute in a card (ShowCard confirmations included), fallbacks excepted. */
function executeActions(node: unknown, found: FoundAction[] = []): FoundAction[] {
  if (Array.isArray(node)) {
    for (const item of node) executeActions(item, found);
  } else if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if (record['type'] === 'Action.Execute' && typeof record['verb'] === 'string') {
      found.push({ verb: record['verb'], data: record['data'] });
    }
    for (const [key, value] of Object.entries(record)) {
      if (key !== 'fallback' && key !== 'refresh') executeActions(value, found);
    }
  }
  return found;
}

const expected = (buttons: Button[]): FoundAction[] =>
  buttons.map((button) => ({ verb: button.id, data: button.data }));

describe('both renderers on random models', () => {
  it.each(SEEDS)('seed %i: the Adaptive Card is valid 1.5, within 40 KB, and keeps every button', (seed) => {
    const model = parseCardModel(randomCardModel(seed));
    const rendered = renderAdaptiveCard(model, { tableFallback: seed % 3 === 0 });
    const errors = validateAdaptiveCard(rendered.card, {
      allowMissingSubmitFallback: rendered.withoutSubmitFallback,
    });
    expect(errors).toEqual([]);
    expect(rendered.bytes).toBeLessThanOrEqual(40 * 1024);
    if (model.buttons.length <= 10) expect(rendered.bytes).toBeLessThanOrEqual(28 * 1024);
    expect(executeActions(rendered.card['body'])).toEqual(expected(cardButtons(model)));
    if (rendered.cut)
      expect(JSON.stringify(rendered.card)).toMatch(/… (\d+ more|chart not shown|table not shown)/);
  });

  it.each(SEEDS)('seed %i: the Slack message is within Block Kit limits and keeps every button', (seed) => {
    const model = parseCardModel(randomCardModel(seed));
    const message = renderBlockKit(model);
    expect(validateBlockKitMessage(message)).toEqual([]);
    const buttons = message.blocks
      .filter((block) => block['type'] === 'actions')
      .flatMap((block) => block['elements'] as { action_id: string; value: string }[])
      .map((element) => ({
        verb: verbOfActionId(element.action_id),
        data: JSON.parse(element.value) as unknown,
      }));
    expect(buttons).toEqual(expected(cardButtons(model)));
    if (message.cut)
      expect(JSON.stringify(message.blocks)).toMatch(/… (\d+ more|chart not shown|table not shown)/);
  });
});
