import { describe, expect, it } from '@jest/globals';
import { parseCardModel } from '../../cards/model.js';
import { renderAdaptiveCard, utf16Bytes } from '../../cards/render-adaptive.js';
import { validateAdaptiveCard } from './support/adaptive-validator.js';
import { digestCard, planCard, worstCaseCard } from './support/fixtures.js';

type Node = Record<string, unknown>;

const body = (card: Node): Node[] => card['body'] as Node[];
const ofType = (card: Node, type: string): Node[] => body(card).filter((element) => element['type'] === type);
const actionsIn = (card: Node): Node[] =>
  ofType(card, 'ActionSet').flatMap((set) => set['actions'] as Node[]);

describe('Adaptive Card renderer', () => {
  it('renders a plan card as valid Adaptive Card 1.5 with $schema and fallbackText', () => {
    const { card, bytes, cut } = renderAdaptiveCard(planCard());
    expect(validateAdaptiveCard(card)).toEqual([]);
    expect(card).toMatchObject({
      type: 'AdaptiveCard',
      version: '1.5',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      fallbackText: 'Bind 3 users (Pending approval)',
    });
    expect(bytes).toBe(JSON.stringify(card).length * 2);
    expect(cut).toBe(false);
  });

  it('shows title, status, facts as a FactSet and the list as a Table with a header row', () => {
    const { card } = renderAdaptiveCard(planCard());
    expect(body(card)[0]).toMatchObject({
      type: 'TextBlock',
      text: 'Bind 3 users',
      style: 'heading',
      color: 'warning',
    });
    expect(body(card)[1]).toMatchObject({ type: 'TextBlock', text: 'Pending approval' });
    expect(ofType(card, 'FactSet')[0]?.['facts']).toEqual([
      { title: 'Licence', value: 'ENTERPRISEPACK' },
      { title: 'Welcome mail', value: 'yes' },
    ]);
    const table = ofType(card, 'Table')[0];
    expect(table).toMatchObject({ firstRowAsHeader: true, columns: Array(5).fill({ width: 1 }) });
    expect(table?.['rows']).toHaveLength(4);
    expect(JSON.stringify((table?.['rows'] as Node[])[1])).toContain('user0@contoso.example');
  });

  it('gives each table a ColumnSet fallback when asked, one column per table column', () => {
    const { card } = renderAdaptiveCard(planCard(), { tableFallback: true });
    const fallback = ofType(card, 'Table')[0]?.['fallback'] as Node;
    expect(fallback['type']).toBe('ColumnSet');
    const columns = fallback['columns'] as Node[];
    expect(columns).toHaveLength(5);
    expect((columns[0]?.['items'] as Node[]).map((item) => item['text'])).toEqual([
      'User',
      'user0@contoso.example',
      'user1@contoso.example',
      'user2@contoso.example',
    ]);
    expect(validateAdaptiveCard(card)).toEqual([]);
  });

  it('puts each button in an ActionSet as Action.Execute with verb and data, falling back to Action.Submit', () => {
    const { card } = renderAdaptiveCard(planCard());
    const approve = actionsIn(card)[0];
    expect(approve).toEqual({
      type: 'Action.Execute',
      title: 'Approve',
      verb: 'approve',
      data: { requestId: 'r_0123456789abcdef' },
      style: 'positive',
      fallback: {
        type: 'Action.Submit',
        title: 'Approve',
        data: { verb: 'approve', requestId: 'r_0123456789abcdef' },
        style: 'positive',
      },
    });
  });

  it('asks before a danger button acts: Action.ShowCard with the question and the real Action.Execute', () => {
    const { card } = renderAdaptiveCard(planCard());
    const cancel = actionsIn(card)[1];
    expect(cancel).toMatchObject({ type: 'Action.ShowCard', title: 'Cancel', style: 'destructive' });
    const inner = cancel?.['card'] as Node;
    expect(body(inner).map((element) => element['text'])).toEqual([
      'Are you sure?',
      '“Cancel” cannot be undone.',
    ]);
    expect((inner['actions'] as Node[])[0]).toMatchObject({ type: 'Action.Execute', verb: 'cancel' });
  });

  it('shows progress as text and a bar of done, failed and remaining', () => {
    const { card } = renderAdaptiveCard({ title: 'Binding', progress: { done: 40, total: 100, failed: 2 } });
    expect(body(card)[1]).toMatchObject({ type: 'TextBlock', text: '40 of 100 done, 2 failed' });
    const bar = ofType(card, 'ColumnSet')[0]?.['columns'] as Node[];
    expect(bar.map((column) => [column['width'], column['style']])).toEqual([
      [38, 'good'],
      [2, 'attention'],
      [60, 'emphasis'],
    ]);
    expect(validateAdaptiveCard(card)).toEqual([]);
  });

  it('draws the digest chart as Chart.VerticalBar that falls back to monospace text bars', () => {
    const { card } = renderAdaptiveCard(digestCard());
    const chart = ofType(card, 'Chart.VerticalBar')[0];
    expect(chart?.['data']).toEqual([
      { x: 'Bound', y: 120, color: 'good' },
      { x: 'Blocked', y: 7, color: 'warning' },
      { x: 'Suspended', y: 2, color: 'attention' },
    ]);
    const lines = ((chart?.['fallback'] as Node)['items'] as Node[]).map((item) => item['text']);
    expect(lines).toEqual([
      'Bound     ▓▓▓▓▓▓▓▓▓▓▓▓ 120',
      'Blocked   ▓░░░░░░░░░░░ 7',
      'Suspended ░░░░░░░░░░░░ 2',
    ]);
    expect(validateAdaptiveCard(card)).toEqual([]);
  });

  it('draws a donut chart as Chart.Donut with legends', () => {
    const model = digestCard();
    const { card } = renderAdaptiveCard({
      ...model,
      chart: { ...model.chart, kind: 'donut' } as typeof model.chart,
    });
    expect(ofType(card, 'Chart.Donut')[0]?.['data']).toContainEqual({
      legend: 'Bound',
      value: 120,
      color: 'good',
    });
  });

  it('adds refresh with the listed MRIs for a user-specific view, and no refresh otherwise', () => {
    const users = ['29:1abc', '29:2def'];
    const { card } = renderAdaptiveCard({
      ...planCard(),
      visibleTo: { teamsUserIds: users, data: { requestId: 'r1' } },
    });
    expect(card['refresh']).toEqual({
      action: { type: 'Action.Execute', verb: 'refresh', data: { requestId: 'r1' } },
      userIds: users,
    });
    expect(renderAdaptiveCard(planCard()).card['refresh']).toBeUndefined();
  });

  it('cuts a 500-row list to the 28 KB aim and says how many rows were left out', () => {
    const model = parseCardModel({
      ...planCard(500),
      csv: { filename: 'all.csv', rowCount: 500, content: 'x' },
    });
    const { card, bytes, cut, files } = renderAdaptiveCard(model);
    expect(bytes).toBeLessThanOrEqual(28 * 1024);
    expect(cut).toBe(true);
    const rowsShown = (ofType(card, 'Table')[0]?.['rows'] as Node[]).length - 1;
    expect(rowsShown).toBeGreaterThanOrEqual(20);
    const texts = body(card).map((element) => element['text']);
    expect(texts).toContain(`… ${500 - rowsShown} more rows not shown (see the CSV)`);
    expect(texts).toContain('Full list (500 rows) as CSV, attached: all.csv');
    expect(files).toEqual([{ filename: 'all.csv', content: 'x', mimeType: 'text/csv' }]);
  });

  it('cuts long text with "…" and never splits an emoji', () => {
    const { card } = renderAdaptiveCard({ title: '👩‍💻'.repeat(100) });
    const title = body(card)[0]?.['text'] as string;
    expect(title.endsWith('…')).toBe(true);
    expect(title.length).toBeLessThanOrEqual(200);
    expect(title).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('keeps 30 buttons, at most 6 per ActionSet, in a card at every model limit, under 40 KB', () => {
    const model = parseCardModel(worstCaseCard());
    const rendered = renderAdaptiveCard(model);
    expect(actionsIn(rendered.card)).toHaveLength(30 + 3);
    expect(ofType(rendered.card, 'ActionSet').every((set) => (set['actions'] as Node[]).length <= 6)).toBe(
      true,
    );
    expect(rendered.bytes).toBeLessThanOrEqual(40 * 1024);
    expect(rendered).toMatchObject({ withoutSubmitFallback: true, withoutConfirmations: true, cut: true });
    expect(validateAdaptiveCard(rendered.card, { allowMissingSubmitFallback: true })).toEqual([]);
  });

  it('keeps fallbacks and confirmations while the buttons leave room for content', () => {
    const rendered = renderAdaptiveCard(planCard(500));
    expect(rendered).toMatchObject({ withoutSubmitFallback: false, withoutConfirmations: false });
  });

  it('keeps the line breaks of plain-text notes, which Markdown would otherwise join', () => {
    const { card } = renderAdaptiveCard({
      title: 't',
      notes: [{ text: 'first line\nsecond line', tone: 'danger' }],
    });
    expect(body(card)[1]).toMatchObject({ text: 'first line\n\nsecond line', color: 'attention' });
  });

  it('measures size as UTF-16: two bytes per code unit, four for an astral character', () => {
    expect(utf16Bytes('ab')).toBe(8);
    expect(utf16Bytes('😀')).toBe(8);
  });

  it('refuses an invalid model instead of rendering it', () => {
    expect(() => renderAdaptiveCard({ title: 't', buttons: [{ id: 'Bad Verb', label: 'x' }] })).toThrow();
  });
});
