import { describe, expect, it } from '@jest/globals';
import { parseCardModel, type CardModel } from '../../cards/model.js';
import { pageSlice, paginateCard, TABLE_PAGE_SIZE } from '../../cards/paginate.js';
import { renderAdaptiveCard } from '../../cards/render-adaptive.js';
import { renderBlockKit } from '../../cards/render-blockkit.js';
import { planCard } from './support/fixtures.js';

const numbers = Array.from({ length: 45 }, (_, index) => index + 1);

describe('pageSlice', () => {
  it('cuts a list into pages of the given size, 1-based', () => {
    expect(pageSlice(numbers, 1, 20)).toEqual({ items: numbers.slice(0, 20), page: 1, pageCount: 3 });
    expect(pageSlice(numbers, 3, 20)).toEqual({ items: [41, 42, 43, 44, 45], page: 3, pageCount: 3 });
  });

  it('clamps a page outside the list to the first or last page', () => {
    expect(pageSlice(numbers, 0, 20).page).toBe(1);
    expect(pageSlice(numbers, 99, 20).page).toBe(3);
    expect(pageSlice(numbers, Number.NaN, 20).page).toBe(1);
  });

  it('gives an empty list one empty page', () => {
    expect(pageSlice([], 1, 20)).toEqual({ items: [], page: 1, pageCount: 1 });
  });

  it('refuses a page size below one', () => {
    expect(() => pageSlice(numbers, 1, 0)).toThrow(RangeError);
  });
});

describe('paginateCard', () => {
  const options = { pageSize: 20, data: { requestId: 'r_1' }, csvFilename: 'bind-r_1.csv' };

  it('shows one page of a long table, says which, and offers the full list as CSV', () => {
    const model = parseCardModel(planCard(45));
    const paged = paginateCard(model, { ...options, page: 2 });
    const rows = paged.tables[0]?.rows ?? [];
    expect(rows).toHaveLength(20);
    expect(rows[0]?.[0]).toBe('user20@contoso.example');
    expect(paged.pagination).toEqual({ page: 2, pageCount: 3, data: { requestId: 'r_1' } });
    expect(paged.csv?.filename).toBe('bind-r_1.csv');
    expect(paged.csv?.rowCount).toBe(45);
    expect(paged.csv?.content?.split('\r\n')).toHaveLength(45 + 2);
  });

  it('leaves a card whose tables fit one page unchanged', () => {
    const model = parseCardModel(planCard(20));
    expect(paginateCard(model, { ...options, page: 1 })).toBe(model);
  });

  it('keeps an offer the card already makes instead of building another', () => {
    const model: CardModel = parseCardModel({
      ...planCard(45),
      csv: { filename: 'mine.csv', rowCount: 45, reference: 'csv_9' },
    });
    expect(paginateCard(model, { ...options, page: 1 }).csv?.filename).toBe('mine.csv');
  });

  it('draws Previous and Next on both platforms, carrying the page to show', () => {
    const paged = paginateCard(parseCardModel(planCard(45)), { ...options, page: 2 });
    const slackButtons = renderBlockKit(paged)
      .blocks.filter((block) => block['type'] === 'actions')
      .flatMap((block) => block['elements'] as { action_id: string; value: string }[]);
    expect(slackButtons.map((button) => [button.action_id, button.value])).toEqual(
      expect.arrayContaining([
        ['page-prev', '{"requestId":"r_1","page":"1"}'],
        ['page-next', '{"requestId":"r_1","page":"3"}'],
      ]),
    );
    expect(JSON.stringify(renderAdaptiveCard(paged).card)).toContain(
      '"verb":"page-next","data":{"requestId":"r_1","page":"3"}',
    );
  });

  it('shows no Previous on the first page and no Next on the last', () => {
    const first = JSON.stringify(
      renderBlockKit(paginateCard(parseCardModel(planCard(45)), { ...options, page: 1 })),
    );
    const last = JSON.stringify(
      renderBlockKit(paginateCard(parseCardModel(planCard(45)), { ...options, page: 3 })),
    );
    expect(first).not.toContain('page-prev');
    expect(first).toContain('page-next');
    expect(last).toContain('page-prev');
    expect(last).not.toContain('page-next');
  });
});

describe('page sizes per platform', () => {
  it(`holds a typical page of ${TABLE_PAGE_SIZE.teams} rows in a Teams card under 28 KB without cutting`, () => {
    const page = paginateCard(parseCardModel(planCard(500)), {
      page: 1,
      pageSize: TABLE_PAGE_SIZE.teams,
      data: { requestId: 'r_1' },
      csvFilename: 'list.csv',
    });
    const rendered = renderAdaptiveCard(page);
    expect(rendered.cut).toBe(false);
    expect(rendered.bytes).toBeLessThanOrEqual(28 * 1024);
  });

  it(`holds a typical page of ${TABLE_PAGE_SIZE.slack} rows in a Slack message without cutting`, () => {
    const page = paginateCard(parseCardModel(planCard(500)), {
      page: 1,
      pageSize: TABLE_PAGE_SIZE.slack,
      data: { requestId: 'r_1' },
      csvFilename: 'list.csv',
    });
    expect(renderBlockKit(page).cut).toBe(false);
  });
});
