import { describe, expect, it } from '@jest/globals';
import { cardModelSchema, parseCardModel, type CardModelInput } from '../../cards/model.js';
import { planCard } from './support/fixtures.js';

const withButtonData = (data: Record<string, string>): CardModelInput => ({
  title: 't',
  buttons: [{ id: 'approve', label: 'Approve', data }],
});

const fails = (input: unknown): boolean => !cardModelSchema.safeParse(input).success;

describe('card model', () => {
  it('fills defaults: tone info, no facts, tables, notes or buttons, button style default', () => {
    const model = parseCardModel({ title: 'Hello', buttons: [{ id: 'ok', label: 'OK' }] });
    expect(model).toMatchObject({ tone: 'info', facts: [], tables: [], notes: [] });
    expect(model.buttons[0]).toEqual({ id: 'ok', label: 'OK', style: 'default', data: {} });
  });

  it('accepts the typical plan card', () => {
    expect(parseCardModel(planCard()).buttons).toHaveLength(2);
  });

  it.each(['Approve', 'approve now', 'a_b', '-x', '', 'x'.repeat(33)])('refuses the verb %j', (id) => {
    expect(fails({ title: 't', buttons: [{ id, label: 'L' }] })).toBe(true);
  });

  it('lets buttons carry opaque ids only: no e-mail, no spaces, no long values', () => {
    expect(fails(withButtonData({ requestId: 'r_0123' }))).toBe(false);
    expect(fails(withButtonData({ email: 'ada@contoso.example' }))).toBe(true);
    expect(fails(withButtonData({ text: 'two words' }))).toBe(true);
    expect(fails(withButtonData({ id: 'x'.repeat(49) }))).toBe(true);
  });

  it('holds at most four data entries and reserves "verb"', () => {
    expect(fails(withButtonData({ a: '1', b: '2', c: '3', d: '4' }))).toBe(false);
    expect(fails(withButtonData({ a: '1', b: '2', c: '3', d: '4', e: '5' }))).toBe(true);
    expect(fails(withButtonData({ verb: 'approve' }))).toBe(true);
  });

  it('caps a card at 30 buttons', () => {
    const buttons = (count: number) => Array.from({ length: count }, () => ({ id: 'x', label: 'X' }));
    expect(fails({ title: 't', buttons: buttons(30) })).toBe(false);
    expect(fails({ title: 't', buttons: buttons(31) })).toBe(true);
  });

  it('needs failed ≤ done ≤ total in progress', () => {
    expect(fails({ title: 't', progress: { done: 4, total: 10, failed: 1 } })).toBe(false);
    expect(fails({ title: 't', progress: { done: 11, total: 10 } })).toBe(true);
    expect(fails({ title: 't', progress: { done: 1, total: 10, failed: 2 } })).toBe(true);
  });

  it('needs one cell per column in every table row', () => {
    expect(fails({ title: 't', tables: [{ columns: ['a', 'b'], rows: [['1']] }] })).toBe(true);
  });

  it('offers CSV either by content or by reference, never both or neither', () => {
    const csv = (extra: object) => ({ title: 't', csv: { filename: 'users.csv', rowCount: 1, ...extra } });
    expect(fails(csv({ content: 'a\r\n' }))).toBe(false);
    expect(fails(csv({ reference: 'csv_1' }))).toBe(false);
    expect(fails(csv({}))).toBe(true);
    expect(fails(csv({ content: 'a', reference: 'csv_1' }))).toBe(true);
    expect(fails({ title: 't', csv: { filename: '../etc/passwd', rowCount: 1, content: '' } })).toBe(true);
  });

  it('keeps room for "page" in pagination data and a page within the page count', () => {
    const pagination = (extra: object) => ({ title: 't', pagination: { page: 1, pageCount: 2, ...extra } });
    expect(fails(pagination({ data: { requestId: 'r1' } }))).toBe(false);
    expect(fails(pagination({ data: { page: '1' } }))).toBe(true);
    expect(fails(pagination({ data: { a: '1', b: '2', c: '3', d: '4' } }))).toBe(true);
    expect(fails(pagination({ page: 3 }))).toBe(true);
  });

  it('lists at most 60 Teams users for a user-specific view, as MRIs', () => {
    const users = (count: number) => Array.from({ length: count }, (_, index) => `29:user${index}`);
    expect(fails({ title: 't', visibleTo: { teamsUserIds: users(60) } })).toBe(false);
    expect(fails({ title: 't', visibleTo: { teamsUserIds: users(61) } })).toBe(true);
    expect(fails({ title: 't', visibleTo: { teamsUserIds: ['ada@contoso.example'] } })).toBe(true);
    expect(fails({ title: 't', visibleTo: { slackUserIds: ['U012ABCDEF'] } })).toBe(false);
  });

  it('takes chart values that are finite and not negative', () => {
    const chart = (value: number) => ({ title: 't', chart: { title: 'c', series: [{ label: 'a', value }] } });
    expect(fails(chart(3.5))).toBe(false);
    expect(fails(chart(-1))).toBe(true);
    expect(fails(chart(Number.POSITIVE_INFINITY))).toBe(true);
    expect(fails(chart(Number.NaN))).toBe(true);
  });
});
