import type { CardModelInput } from '../../../cards/model.js';
import { createRandom, type Random } from '../../../sandbox/random.js';

/**
 * Random but valid card models for the property tests: long strings, every kind of Unicode trouble
 * (emoji with joiners, combining marks, right-to-left, astral characters), markup that must not become
 * markup (Slack mentions, links, Markdown, spreadsheet formulas), tables up to 500 rows and 30 buttons.
 */

const FRAGMENTS = [
  'Ada Lovelace',
  'ada.lovelace@contoso.example',
  '👩‍💻',
  '🏳️‍🌈',
  'e\u0301',
  'שלום עולם',
  'مرحبا',
  '漢字かな',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '<!channel>',
  '<https://evil.example|click>',
  '&amp;',
  'A & B',
  '*bold* _it_ ~s~ `code`',
  '=HYPERLINK("http://x")',
  '+1',
  '-2',
  '@SUM(A1)',
  '"quoted"',
  'comma, here',
  'line\nbreak',
  '\ttab',
  ' ',
  'Department of Very Long Names and Other Things',
  'ÆØÅ æøå',
  '\u200b',
];

const VERBS = ['approve', 'cancel', 'retry-failed', 'page-next', 'page-prev', 'download-csv', 'bind', 'x'];
const ID_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:~+/=-';

export function randomText(random: Random, maxLength: number): string {
  const target = random.chance(0.15)
    ? maxLength
    : random.int(0, Math.min(maxLength, random.pick([8, 40, 300])));
  let text = '';
  while (text.length < target) text += random.pick(FRAGMENTS) + (random.chance(0.5) ? ' ' : '');
  // Cut by code points so the model itself holds no broken surrogate pair.
  return Array.from(text)
    .slice(0, target)
    .join('')
    .slice(0, maxLength)
    .replace(/[\ud800-\udbff]$/, '');
}

function nonEmpty(random: Random, maxLength: number): string {
  const text = randomText(random, maxLength);
  return /\S/.test(text) ? text : `x${text}`.slice(0, maxLength);
}

function opaqueId(random: Random, maxLength = 48): string {
  const length = random.int(1, maxLength);
  return Array.from({ length }, () => ID_CHARS.charAt(random.int(0, ID_CHARS.length - 1))).join('');
}

/** Button data up to the model's limits: `maxEntries` entries, `maxJson` characters as JSON. */
function data(random: Random, maxEntries: number, maxJson = 100): Record<string, string> {
  const result: Record<string, string> = {};
  const count = random.int(0, maxEntries);
  for (let index = 0; index < count; index += 1) {
    const key = `k${index}${random.chance(0.5) ? 'x'.repeat(random.int(0, 13)) : ''}`;
    const value = opaqueId(random, random.chance(0.3) ? 48 : 24);
    if (JSON.stringify({ ...result, [key]: value }).length > maxJson) break;
    result[key] = value;
  }
  return result;
}

const TONES = ['info', 'success', 'warning', 'danger'] as const;

function table(random: Random): NonNullable<CardModelInput['tables']>[number] {
  const columns = Array.from({ length: random.int(1, 10) }, () => randomText(random, 60));
  const rowCount = random.pick([0, 1, 5, 20, 25, 60, 500]);
  const rows = Array.from({ length: rowCount }, () =>
    columns.map(() => randomText(random, random.pick([20, 80, 400]))),
  );
  return { columns, rows, ...(random.chance(0.6) ? { caption: randomText(random, 200) } : {}) };
}

function buttons(random: Random): CardModelInput['buttons'] {
  return Array.from({ length: random.pick([0, 1, 2, 3, 7, 26, 30]) }, () => ({
    id: random.pick(VERBS),
    label: nonEmpty(random, random.chance(0.2) ? 500 : 30),
    style: random.pick(['primary', 'danger', 'default'] as const),
    data: data(random, 4),
    ...(random.chance(0.3)
      ? {
          confirm: {
            title: nonEmpty(random, 500),
            text: nonEmpty(random, 2000),
            confirmLabel: nonEmpty(random, 100),
          },
        }
      : {}),
  }));
}

function chart(random: Random): CardModelInput['chart'] {
  return {
    kind: random.pick(['bar', 'donut'] as const),
    title: randomText(random, 200),
    series: Array.from({ length: random.int(1, 20) }, () => ({
      label: randomText(random, 200),
      value: random.chance(0.1) ? 0 : random.next() * 10_000,
      ...(random.chance(0.5) ? { tone: random.pick(TONES) } : {}),
    })),
  };
}

/** The optional parts: subtitle, status, progress, chart, pagination, CSV offer, user-specific view. */
function extras(random: Random): Partial<CardModelInput> {
  const model: Partial<CardModelInput> = {};
  if (random.chance(0.7)) model.subtitle = randomText(random, random.chance(0.1) ? 5000 : 200);
  if (random.chance(0.7)) model.status = randomText(random, 60);
  if (random.chance(0.5)) {
    const total = random.int(0, 5000);
    const done = random.int(0, total);
    model.progress = { total, done, failed: random.int(0, done), label: randomText(random, 100) };
  }
  if (random.chance(0.4)) model.chart = chart(random);
  if (random.chance(0.4)) {
    const pageCount = random.int(1, 50);
    model.pagination = { page: random.int(1, pageCount), pageCount, data: data(random, 3, 80) };
  }
  if (random.chance(0.4)) {
    const content = random.chance(0.5) ? { reference: opaqueId(random) } : { content: 'a,b\r\n1,2\r\n' };
    model.csv = { filename: 'users-list.csv', rowCount: random.int(0, 100_000), ...content };
  }
  if (random.chance(0.3)) {
    model.visibleTo = {
      teamsUserIds: Array.from(
        { length: random.int(0, 60) },
        (_, index) => `29:user-${index}-${opaqueId(random, 20)}`,
      ),
      slackUserIds: Array.from({ length: random.int(0, 3) }, (_, index) => `U0${index}ABCDEF`),
      data: data(random, 2),
    };
  }
  return model;
}

export function randomCardModel(seed: number): CardModelInput {
  const random = createRandom(seed);
  return {
    title: nonEmpty(random, random.chance(0.2) ? 2000 : 120),
    tone: random.pick(TONES),
    facts: Array.from({ length: random.pick([0, 3, 12, 60, 100]) }, () => ({
      label: randomText(random, 100),
      value: randomText(random, random.chance(0.1) ? 10_000 : 200),
    })),
    tables: Array.from({ length: random.int(0, 3) }, () => table(random)),
    notes: Array.from({ length: random.pick([0, 1, 4, 40]) }, () => ({
      text: randomText(random, random.chance(0.1) ? 10_000 : 300),
      ...(random.chance(0.5) ? { tone: random.pick(TONES) } : {}),
    })),
    buttons: buttons(random),
    ...extras(random),
  };
}
