import type { ChatUser } from '../../commands/chat/types.js';
import {
  MENTION_PIECES,
  ODATA_PIECES,
  QUOTE_PIECES,
  REGEX_PIECES,
  UNICODE_PIECES,
  WORDS,
} from './fuzz-pieces.js';

/**
 * Generated command lines for the bad-input fuzz: a small seeded PRNG (xorshift32, so a failing case is
 * reproduced from its seed and index) and one generator per kind of bad input. Every case is plain data: the
 * text a person could type (or a client could send) and, for some, the mentions an adapter would attach.
 */

/** Uniform numbers in [0, 1) from a 32-bit seed; the same seed gives the same sequence. */
export class Random {
  private state: number;

  constructor(readonly seed: number) {
    // xorshift never leaves 0, so a zero seed is moved to a fixed non-zero state.
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  next(): number {
    let x = this.state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.state = x;
    return x / 0x1_0000_0000;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

export type FuzzKind = 'bytes' | 'unicode' | 'long' | 'quotes' | 'odata' | 'regex' | 'mentions' | 'command';

export interface FuzzCase {
  index: number;
  kind: FuzzKind;
  text: string;
  mentions?: ChatUser[];
}

/** What the generators draw real-looking values from (the test's tenant and directory). */
export interface FuzzPools {
  /** Every command name ("bind", "admins grant", …). */
  commands: readonly string[];
  /** Addresses that exist somewhere (directory, tenant), O'Brien among them. */
  emails: readonly string[];
  /** Options of any command, with and without the leading dashes' friends. */
  options: readonly string[];
}

function randomBytes(random: Random, length: number): string {
  let text = '';
  for (let i = 0; i < length; i += 1) text += String.fromCharCode(random.int(0, 255));
  return text;
}

function randomCodePoints(random: Random, length: number): string {
  let text = '';
  for (let i = 0; i < length; i += 1) {
    const plane = random.next();
    const code =
      plane < 0.5
        ? random.int(0x20, 0x7e)
        : plane < 0.9
          ? random.int(0xa0, 0xffff)
          : random.int(0x10000, 0x10ffff);
    text += String.fromCodePoint(code);
  }
  return text;
}

function pieces(random: Random, from: readonly string[], count: number, glue = () => ' '): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i += 1) parts.push(random.pick(from));
  return parts.reduce((text, part) => `${text}${glue()}${part}`);
}

function separator(random: Random): string {
  return random.pick([' ', ' ', ' ', ',', ', ', '\t', '\n', '  ', '\u00a0', '']);
}

/** An address: a real one, a real one bent out of shape, or one that only looks like an address. */
function email(random: Random, pools: FuzzPools): string {
  const real = random.pick(pools.emails);
  switch (random.int(0, 9)) {
    case 0:
      return real.toUpperCase();
    case 1:
      return `${real}${random.pick(UNICODE_PIECES)}`;
    case 2:
      return `"${real}"`;
    case 3:
      return `<mailto:${real}|${real}>`;
    case 4:
      return real.replace('@', random.pick(["'@", "@'", '@@', ' @', '＠']));
    case 5:
      return `${random.pick(ODATA_PIECES).replace(/\s/g, '')}@contoso.com`;
    case 6:
      return `x${"'".repeat(random.int(1, 3))}or${"'".repeat(random.int(1, 3))}1@contoso.com`;
    default:
      return real;
  }
}

/** Any argument: an address, an option, a value from one of the bad-input families, or noise. */
function argument(random: Random, pools: FuzzPools): string {
  switch (random.int(0, 11)) {
    case 0:
    case 1:
    case 2:
      return email(random, pools);
    case 3:
      return random.pick(pools.options);
    case 4:
      return `--${random.pick(['', '-', 'x', 'license=', 'domain=', 'fix=1', 'all-new=yes', 'ＡＬＬ'])}`;
    case 5:
      return random.pick(ODATA_PIECES);
    case 6:
      return random.pick(REGEX_PIECES);
    case 7:
      return random.pick(MENTION_PIECES);
    case 8:
      return random.pick(QUOTE_PIECES) + random.pick(WORDS);
    case 9:
      return random.pick([
        'viewer',
        'operator',
        'approver',
        'admin',
        'root',
        '09:30',
        '25:99',
        'Europe/Paris',
      ]);
    case 10:
      return randomCodePoints(random, random.int(1, 12));
    default:
      return random.pick(UNICODE_PIECES) + random.pick(WORDS);
  }
}

function arguments_(random: Random, pools: FuzzPools, count: number): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i += 1) parts.push(argument(random, pools));
  return parts.map((part) => `${part}${separator(random)}`).join('');
}

/** About 100 KB: one huge word, a huge list of addresses, or a repeated pattern. */
function long(random: Random, pools: FuzzPools): string {
  const size = random.int(90_000, 110_000);
  const command = random.pick(pools.commands);
  switch (random.int(0, 6)) {
    case 0:
      return 'a'.repeat(size);
    case 1:
      return `${command} ${'x'.repeat(size)}@contoso.com`;
    case 2: {
      const list: string[] = [];
      while (list.join(', ').length < size) list.push(`user${list.length}@contoso.com`);
      return `${command} ${list.join(', ')}`;
    }
    case 3:
      return `${command} ${'<mailto:'.repeat(Math.floor(size / 8))}`;
    case 4:
      return `${command} ${'"'.repeat(size)}`;
    case 5:
      return `${command} --${'d'.repeat(size)}`;
    default:
      return randomCodePoints(random, Math.floor(size / 2));
  }
}

/** Mentions an adapter would attach: the people in the text, and others with odd names. */
function mentionsFor(random: Random): ChatUser[] {
  const names = [
    'Admin',
    'Operator',
    'Nobody Known',
    '',
    ' ',
    '<script>',
    'Ümlaut Ñame',
    '\u202eevil',
    '@',
    'a'.repeat(300),
  ];
  const count = random.int(0, 3);
  const mentions: ChatUser[] = [];
  for (let i = 0; i < count; i += 1) {
    const name = random.pick(names);
    const key = random.pick(['admin', 'operator', 'viewer', 'ghost', `x${i}`]);
    mentions.push({
      platform: 'teams',
      id: `tenant-1:aad-${key}`,
      displayName: name,
      platformUserId: `29:${key}`,
    });
  }
  return mentions;
}

type Generator = (random: Random, pools: FuzzPools) => string;

const GENERATORS: Record<Exclude<FuzzKind, 'long'>, Generator> = {
  bytes: (random) => randomBytes(random, random.int(0, 200)),
  unicode: (random, pools) =>
    random.chance(0.5)
      ? `${random.pick(pools.commands)}${random.pick(UNICODE_PIECES)} ${pieces(random, UNICODE_PIECES, random.int(1, 8), () => '')}`
      : pieces(random, [...UNICODE_PIECES, ...pools.commands], random.int(1, 10), () => separator(random)),
  quotes: (random, pools) =>
    `${random.pick(pools.commands)} ${pieces(random, [...QUOTE_PIECES, ...WORDS, ...pools.emails], random.int(1, 8), () => random.pick(['', ' ', ',']))}`,
  odata: (random, pools) =>
    `${random.pick(pools.commands)} ${pieces(random, [...ODATA_PIECES, ...pools.emails], random.int(1, 4))}`,
  regex: (random, pools) =>
    `${random.chance(0.7) ? `${random.pick(pools.commands)} ` : ''}${pieces(random, REGEX_PIECES, random.int(1, 6), () => random.pick(['', ' ']))}`,
  mentions: (random, pools) =>
    `${random.pick(pools.commands)} ${pieces(random, [...MENTION_PIECES, ...WORDS], random.int(1, 4))}`,
  command: (random, pools) => {
    const name = random.pick(pools.commands);
    const typed = random.chance(0.1) ? name.toUpperCase() : random.chance(0.1) ? `/${name}` : name;
    return `${typed} ${arguments_(random, pools, random.int(0, 6))}`;
  },
};

/** How often each kind comes up (per 100 cases); `long` is rare because each one is 100 KB. */
const MIX: readonly [FuzzKind, number][] = [
  ['command', 40],
  ['bytes', 10],
  ['unicode', 12],
  ['quotes', 10],
  ['odata', 10],
  ['regex', 8],
  ['mentions', 9],
  ['long', 1],
];

function kindOf(random: Random): FuzzKind {
  let draw = random.next() * 100;
  for (const [kind, weight] of MIX) {
    draw -= weight;
    if (draw < 0) return kind;
  }
  return 'command';
}

/** `count` cases from `seed`: the same seed and pools always give the same cases. */
export function generateCases(seed: number, count: number, pools: FuzzPools): FuzzCase[] {
  const random = new Random(seed);
  const cases: FuzzCase[] = [];
  for (let index = 0; index < count; index += 1) {
    const kind = kindOf(random);
    const text = kind === 'long' ? long(random, pools) : GENERATORS[kind](random, pools);
    const fuzzCase: FuzzCase = { index, kind, text };
    if (kind === 'mentions' || (kind === 'command' && random.chance(0.1)))
      fuzzCase.mentions = mentionsFor(random);
    cases.push(fuzzCase);
  }
  return cases;
}

/** A case as one line for a failure message: its kind and its text, escaped and cut to 200 characters. */
export function describeCase(fuzzCase: FuzzCase, seed: number): string {
  const shown = JSON.stringify(fuzzCase.text);
  const cut = shown.length > 200 ? `${shown.slice(0, 200)}… (${fuzzCase.text.length} characters)` : shown;
  return `seed ${seed} case ${fuzzCase.index} (${fuzzCase.kind}): ${cut}`;
}
