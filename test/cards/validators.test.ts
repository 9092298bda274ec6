import { describe, expect, it } from '@jest/globals';
import { renderAdaptiveCard } from '../../cards/render-adaptive.js';
import { renderBlockKit } from '../../cards/render-blockkit.js';
import { validateAdaptiveCard } from './support/adaptive-validator.js';
import { validateBlockKitMessage } from './support/blockkit-validator.js';
import { digestCard, planCard } from './support/fixtures.js';

/** The validators must catch what they claim to, or the property tests prove nothing. */

type Node = Record<string, unknown>;
const clone = <T>(value: T): T => structuredClone(value);

function validCard(): Node {
  return renderAdaptiveCard({ ...planCard(), ...digestCard(), title: 'Valid' }).card;
}

function edited(edit: (card: Node & { body: Node[] }) => void): string[] {
  const card = clone(validCard()) as Node & { body: Node[] };
  edit(card);
  return validateAdaptiveCard(card);
}

describe('Adaptive Card 1.5 validator', () => {
  it('accepts the renderer output it is meant to check', () => {
    expect(validateAdaptiveCard(validCard())).toEqual([]);
  });

  it.each<[string, (card: Node & { body: Node[] }) => void, RegExp]>([
    ['a version other than 1.5', (card) => (card['version'] = '1.6'), /version must be "1\.5"/],
    ['no $schema', (card) => delete card['$schema'], /\$schema is missing/],
    ['an unknown card property', (card) => (card['speakText'] = 'x'), /speakText: property not allowed/],
    [
      'an element from a later version',
      (card) => card.body.push({ type: 'Icon', name: 'x' }),
      /not an Adaptive Card 1\.5/,
    ],
    ['a TextBlock without text', (card) => card.body.push({ type: 'TextBlock' }), /"text" is required/],
    [
      'a colour outside the enumeration',
      (card) => card.body.push({ type: 'TextBlock', text: 'x', color: 'red' }),
      /must be one of/,
    ],
    [
      'a Fact without value',
      (card) => card.body.push({ type: 'FactSet', facts: [{ title: 'x' }] }),
      /"value" is required/,
    ],
    [
      'a Table cell without items',
      (card) =>
        card.body.push({ type: 'Table', rows: [{ type: 'TableRow', cells: [{ type: 'TableCell' }] }] }),
      /"items" is required/,
    ],
    [
      'a bad minHeight',
      (card) => card.body.push({ type: 'Container', items: [], minHeight: '8' }),
      /like "50px"/,
    ],
    [
      'Action.Execute outside an ActionSet',
      (card) =>
        (card['actions'] = [{ type: 'Action.Execute', verb: 'x', fallback: { type: 'Action.Submit' } }]),
      /belongs in an ActionSet/,
    ],
    [
      'Action.Execute without its Submit fallback',
      (card) => card.body.push({ type: 'ActionSet', actions: [{ type: 'Action.Execute', verb: 'x' }] }),
      /needs an Action\.Submit fallback/,
    ],
    [
      'Action.Execute without a verb',
      (card) =>
        card.body.push({
          type: 'ActionSet',
          actions: [{ type: 'Action.Execute', fallback: { type: 'Action.Submit' } }],
        }),
      /needs a verb/,
    ],
    [
      'seven actions in one set',
      (card) => card.body.push({ type: 'ActionSet', actions: Array(7).fill({ type: 'Action.Submit' }) }),
      /at most 6 actions/,
    ],
    [
      'a chart without fallback',
      (card) => card.body.push({ type: 'Chart.VerticalBar', data: [] }),
      /must fall back/,
    ],
    [
      'a chart whose fallback is not 1.5',
      (card) => card.body.push({ type: 'Chart.Donut', data: [], fallback: { type: 'Badge' } }),
      /not an Adaptive Card 1\.5/,
    ],
    [
      '61 refresh users',
      (card) =>
        (card['refresh'] = {
          action: { type: 'Action.Execute', verb: 'r' },
          userIds: Array(61).fill('29:x'),
        }),
      /at most 60 users/,
    ],
    [
      'a refresh that is not Action.Execute',
      (card) => (card['refresh'] = { action: { type: 'Action.Submit' } }),
      /refresh\.action: must be an Action\.Execute/,
    ],
    [
      'a payload above 40 KB',
      (card) => card.body.push({ type: 'TextBlock', text: 'x'.repeat(21_000) }),
      /exceed Teams' 40 KB/,
    ],
  ])('refuses %s', (_name, edit, message) => {
    expect(edited(edit).join('\n')).toMatch(message);
  });
});

function message(): { text: string; blocks: Node[] } {
  const { text, blocks } = renderBlockKit({ ...planCard(), ...digestCard(), title: 'Valid' });
  return { text, blocks: clone(blocks) };
}

describe('Block Kit validator', () => {
  it('accepts the renderer output it is meant to check', () => {
    expect(validateBlockKitMessage(message())).toEqual([]);
  });

  const button = (extra: Node): Node => ({
    type: 'actions',
    elements: [{ type: 'button', text: { type: 'plain_text', text: 'x' }, action_id: 'x', ...extra }],
  });
  const section = (text: string): Node => ({ type: 'section', text: { type: 'mrkdwn', text } });

  it.each<[string, (m: { text: string; blocks: Node[] }) => void, RegExp]>([
    ['no top-level text', (m) => (m.text = ''), /top-level text is required/],
    [
      '51 blocks',
      (m) => m.blocks.push(...Array.from({ length: 51 }, () => ({ type: 'divider' }))),
      /> 50 blocks/,
    ],
    [
      'a header over 150',
      (m) => m.blocks.push({ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }),
      /151 > 150/,
    ],
    [
      'a mrkdwn header',
      (m) => m.blocks.push({ type: 'header', text: { type: 'mrkdwn', text: 'x' } }),
      /must be plain_text/,
    ],
    ['section text over 3000', (m) => m.blocks.push(section('x'.repeat(3001))), /3001 > 3000/],
    [
      '11 fields',
      (m) => m.blocks.push({ type: 'section', fields: Array(11).fill({ type: 'mrkdwn', text: 'x' }) }),
      /11 > 10 elements/,
    ],
    [
      'a field over 2000',
      (m) => m.blocks.push({ type: 'section', fields: [{ type: 'mrkdwn', text: 'x'.repeat(2001) }] }),
      /2001 > 2000/,
    ],
    [
      '11 context elements',
      (m) => m.blocks.push({ type: 'context', elements: Array(11).fill({ type: 'mrkdwn', text: 'x' }) }),
      /11 > 10 elements/,
    ],
    [
      '26 buttons in one block',
      (m) =>
        m.blocks.push({
          type: 'actions',
          elements: Array.from({ length: 26 }, (_, i) => ({
            type: 'button',
            text: { type: 'plain_text', text: 'b' },
            action_id: `b${i}`,
          })),
        }),
      /26 > 25 elements/,
    ],
    [
      'button text over 75',
      (m) =>
        m.blocks.push({
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'plain_text', text: 'x'.repeat(76) }, action_id: 'y' }],
        }),
      /76 > 75/,
    ],
    [
      'an action_id over 255',
      (m) => m.blocks.push(button({ action_id: 'a'.repeat(256) })),
      /action_id: must be 1–255/,
    ],
    [
      'a repeated action_id',
      (m) => m.blocks.push(button({ action_id: 'approve' })),
      /"approve" is not unique/,
    ],
    [
      'a value over 2000',
      (m) => m.blocks.push(button({ value: 'v'.repeat(2001) })),
      /value: must be a string of ≤ 2000/,
    ],
    [
      'a style other than primary or danger',
      (m) => m.blocks.push(button({ style: 'secondary' })),
      /primary\|danger/,
    ],
    [
      'a confirm title over 100',
      (m) =>
        m.blocks.push(
          button({
            confirm: {
              title: { type: 'plain_text', text: 'x'.repeat(101) },
              text: { type: 'plain_text', text: 'x' },
              confirm: { type: 'plain_text', text: 'y' },
              deny: { type: 'plain_text', text: 'n' },
            },
          }),
        ),
      /101 > 100/,
    ],
    [
      'a confirm label over 30',
      (m) =>
        m.blocks.push(
          button({
            confirm: {
              title: { type: 'plain_text', text: 't' },
              text: { type: 'plain_text', text: 'x' },
              confirm: { type: 'plain_text', text: 'y'.repeat(31) },
              deny: { type: 'plain_text', text: 'n' },
            },
          }),
        ),
      /31 > 30/,
    ],
    ['an unescaped mention', (m) => m.blocks.push(section('<!channel>')), /unescaped < or >/],
    ['a bare ampersand', (m) => m.blocks.push(section('A & B')), /unescaped &/],
    ['an empty text', (m) => m.blocks.push(section('')), /must be 1\+ characters/],
    [
      '13 000 characters in all',
      (m) => m.blocks.push(...Array.from({ length: 5 }, () => section('x'.repeat(2700)))),
      /msg_blocks_too_long/,
    ],
  ])('refuses %s', (_name, edit, pattern) => {
    const broken = message();
    edit(broken);
    expect(validateBlockKitMessage(broken).join('\n')).toMatch(pattern);
  });
});
