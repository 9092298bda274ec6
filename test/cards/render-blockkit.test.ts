import { describe, expect, it } from '@jest/globals';
import { characterWeight, escapeMrkdwn, mrkdwn } from '../../cards/blockkit-elements.js';
import { renderBlockKit, verbOfActionId } from '../../cards/render-blockkit.js';
import { validateBlockKitMessage } from './support/blockkit-validator.js';
import { digestCard, planCard, worstCaseCard } from './support/fixtures.js';

type Node = Record<string, unknown>;

const ofType = (blocks: Node[], type: string): Node[] => blocks.filter((block) => block['type'] === type);
const buttonsOf = (blocks: Node[]): Node[] =>
  ofType(blocks, 'actions').flatMap((block) => block['elements'] as Node[]);
const textOf = (block: Node | undefined): string =>
  ((block?.['text'] as Node | undefined)?.['text'] as string | undefined) ?? '';

describe('Block Kit renderer', () => {
  it('renders a plan card within Block Kit limits, with top-level text for notifications', () => {
    const message = renderBlockKit(planCard());
    expect(validateBlockKitMessage(message)).toEqual([]);
    expect(message.text).toBe(
      'Bind 3 users — Pending approval — Requested by Ada Lovelace · expires in 24 h',
    );
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Bind 3 users', emoji: true },
    });
    expect(message.blocks[1]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '⚠️ *Pending approval*' }],
    });
    expect(message.cut).toBe(false);
  });

  it('shows facts as section fields and the list as preformatted text with escaped markup', () => {
    const { blocks } = renderBlockKit(planCard());
    const fields = ofType(blocks, 'section').find((block) => block['fields'] !== undefined)?.['fields'];
    expect(fields).toEqual([
      { type: 'mrkdwn', text: '*Licence*\nENTERPRISEPACK' },
      { type: 'mrkdwn', text: '*Welcome mail*\nyes' },
    ]);
    const table = ofType(blocks, 'section')
      .map(textOf)
      .find((text) => text.includes('```'));
    expect(table?.split('\n').slice(0, 4)).toEqual([
      '*Changes per user*',
      '```',
      'User                   Department              Change            State      Note',
      expect.stringMatching(/^─+ {2}─+/),
    ]);
    expect(table).toContain('user2@contoso.example  Research &amp; Development  create + licence');
  });

  it('makes buttons with action_id = verb and value = JSON of the data, styles and a confirm for danger', () => {
    const [approve, cancel] = buttonsOf(renderBlockKit(planCard()).blocks);
    expect(approve).toEqual({
      type: 'button',
      text: { type: 'plain_text', text: 'Approve', emoji: true },
      action_id: 'approve',
      value: '{"requestId":"r_0123456789abcdef"}',
      style: 'primary',
    });
    expect(cancel).toMatchObject({ action_id: 'cancel', style: 'danger' });
    expect(cancel?.['confirm']).toEqual({
      title: { type: 'plain_text', text: 'Are you sure?', emoji: true },
      text: { type: 'plain_text', text: '“Cancel” cannot be undone.', emoji: true },
      confirm: { type: 'plain_text', text: 'Yes, continue', emoji: true },
      deny: { type: 'plain_text', text: 'Cancel', emoji: true },
      style: 'danger',
    });
  });

  it('suffixes a repeated verb so action_ids stay unique, and maps them back to the verb', () => {
    const buttons = ['retry-failed', 'retry-failed', 'retry-failed'].map((id) => ({ id, label: 'Retry' }));
    const ids = buttonsOf(renderBlockKit({ title: 't', buttons }).blocks).map(
      (button) => button['action_id'],
    );
    expect(ids).toEqual(['retry-failed', 'retry-failed#2', 'retry-failed#3']);
    expect(ids.map((id) => verbOfActionId(id as string))).toEqual([
      'retry-failed',
      'retry-failed',
      'retry-failed',
    ]);
  });

  it('shows progress as a compact text bar', () => {
    const { blocks, text } = renderBlockKit({
      title: 'Binding',
      progress: { done: 40, total: 100, failed: 2 },
    });
    expect(textOf(blocks[2])).toBe('▓▓▓▓░░░░░░ 40/100, 2 failed');
    expect(text).toBe('Binding — ▓▓▓▓░░░░░░ 40/100, 2 failed');
  });

  it('shows the digest chart as text bars in a code block', () => {
    const { blocks } = renderBlockKit(digestCard());
    const chart = ofType(blocks, 'section')
      .map(textOf)
      .find((text) => text.startsWith('*Accounts*'));
    expect(chart).toBe(
      '*Accounts*\n```\nBound     ▓▓▓▓▓▓▓▓▓▓▓▓ 120\nBlocked   ▓░░░░░░░░░░░ 7\nSuspended ░░░░░░░░░░░░ 2\n```',
    );
  });

  it('escapes & < > so data cannot become a mention or a link', () => {
    const { blocks, text } = renderBlockKit({ title: 'x', subtitle: '<!channel> & <https://evil|click>' });
    expect(textOf(blocks[2])).toBe('&lt;!channel&gt; &amp; &lt;https://evil|click&gt;');
    expect(text).toBe('x — &lt;!channel&gt; &amp; &lt;https://evil|click&gt;');
  });

  it('cuts escaped text without splitting an entity', () => {
    expect(escapeMrkdwn('a<b')).toBe('a&lt;b');
    expect(mrkdwn('<<<<<<<<', 10)).toBe('&lt;&lt;…');
  });

  it('cuts the header at 150 characters with "…"', () => {
    const header = textOf(renderBlockKit({ title: 'x'.repeat(400) }).blocks[0]);
    expect(header).toHaveLength(150);
    expect(header.endsWith('…')).toBe(true);
  });

  it('keeps a 500-row list within 50 blocks and ~12 000 characters and says what was left out', () => {
    const message = renderBlockKit({
      ...planCard(500),
      pagination: { page: 1, pageCount: 20, data: { requestId: 'r1' } },
    });
    expect(validateBlockKitMessage(message)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(characterWeight(message.blocks)).toBeLessThanOrEqual(12_000);
    expect(message.cut).toBe(true);
    const contexts = ofType(message.blocks, 'context').flatMap((block) => block['elements'] as Node[]);
    expect(contexts.map((element) => element['text'])).toContainEqual(
      expect.stringMatching(/^… \d+ more rows not shown \(next page\)$/),
    );
  });

  it('puts 100 facts into sections of 10 fields and keeps under 50 blocks', () => {
    const facts = Array.from({ length: 100 }, (_, index) => ({
      label: `Fact ${index}`,
      value: 'v'.repeat(300),
    }));
    const message = renderBlockKit({ title: 't', facts });
    expect(validateBlockKitMessage(message)).toEqual([]);
    const sections = ofType(message.blocks, 'section').filter((block) => block['fields'] !== undefined);
    expect(sections.every((block) => (block['fields'] as unknown[]).length <= 10)).toBe(true);
  });

  it('keeps all 30 buttons in actions blocks of at most 25', () => {
    const buttons = Array.from({ length: 30 }, (_, index) => ({ id: 'bind', label: `Bind ${index}` }));
    const { blocks } = renderBlockKit({ title: 't', buttons, pagination: { page: 2, pageCount: 3 } });
    expect(ofType(blocks, 'actions').map((block) => (block['elements'] as unknown[]).length)).toEqual([
      25, 7,
    ]);
  });

  it('keeps every button and its confirm in a message at every model limit, under the ~13 000 cliff', () => {
    const message = renderBlockKit(worstCaseCard());
    expect(validateBlockKitMessage(message)).toEqual([]);
    const buttons = buttonsOf(message.blocks);
    expect(buttons).toHaveLength(30 + 3);
    expect(buttons.filter((button) => button['confirm'] !== undefined)).toHaveLength(30);
    expect(characterWeight(message.blocks)).toBeLessThanOrEqual(12_800);
  });

  it('names the users an ephemeral view is for, and the CSV to upload', () => {
    const message = renderBlockKit({
      title: 'Your new password',
      visibleTo: { slackUserIds: ['U012ABCDEF'] },
      csv: { filename: 'users.csv', rowCount: 1, content: 'a\r\n' },
    });
    expect(message.ephemeralUserIds).toEqual(['U012ABCDEF']);
    expect(message.files).toEqual([{ filename: 'users.csv', content: 'a\r\n', mimeType: 'text/csv' }]);
  });

  it('offers a CSV by reference as a download button', () => {
    const { blocks } = renderBlockKit({
      title: 't',
      csv: { filename: 'users.csv', rowCount: 9, reference: 'csv_7' },
    });
    expect(buttonsOf(blocks)).toContainEqual(
      expect.objectContaining({ action_id: 'download-csv', value: '{"csv":"csv_7"}' }),
    );
  });
});
