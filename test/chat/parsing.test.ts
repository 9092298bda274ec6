import { describe, expect, it } from '@jest/globals';
import { ArgumentError, parseLine } from '../../commands/chat/arguments.js';
import type { ParseContext } from '../../commands/chat/command.js';
import { CHAT_COMMANDS } from '../../commands/chat/commands/index.js';
import { closest, editDistance } from '../../commands/chat/distance.js';
import { CommandRegistry } from '../../commands/chat/registry.js';
import { tokenize } from '../../commands/chat/tokenizer.js';
import { USERS } from '../support/chat.js';

const registry = new CommandRegistry(CHAT_COMMANDS);
const context: ParseContext = {
  user: USERS.admin,
  mentions: [],
  defaults: { time: '09:00', timeZone: 'UTC' },
};

/** Parses a whole line as the core does; returns the arguments or the one-sentence error. */
function parse(text: string, parseContext: ParseContext = context): Record<string, unknown> | string {
  const resolution = registry.resolve(text);
  if (resolution.kind !== 'ok') throw new Error(`"${text}" did not resolve to a command`);
  try {
    const { command, rest } = resolution;
    return command.parse(parseLine(rest, command.options, command.name), parseContext);
  } catch (error) {
    if (error instanceof ArgumentError) return error.message;
    throw error;
  }
}

describe('tokenizer', () => {
  it('separates users by commas, spaces or both', () => {
    expect(tokenize('bind a@x.com,b@x.com  c@x.com , d@x.com').map((t) => t.text)).toEqual([
      'bind',
      'a@x.com',
      'b@x.com',
      'c@x.com',
      'd@x.com',
    ]);
  });

  it('keeps quoted words whole, with straight or curly quotes', () => {
    const tokens = tokenize('import-preview --department "Sales and Marketing" “North West”');
    expect(tokens.map((t) => t.text)).toEqual([
      'import-preview',
      '--department',
      'Sales and Marketing',
      'North West',
    ]);
    expect(tokens[2]?.quoted).toBe(true);
  });

  it("treats an apostrophe inside an address as a letter (liam.o'brien@contoso.com)", () => {
    expect(tokenize("block liam.o'brien@contoso.com, 'anne@contoso.com'").map((t) => t.text)).toEqual([
      'block',
      "liam.o'brien@contoso.com",
      'anne@contoso.com',
    ]);
  });

  it("undoes Slack's mailto markup and macOS's em dash", () => {
    expect(tokenize('bind <mailto:a@x.com|a@x.com> —no-welcome').map((t) => t.text)).toEqual([
      'bind',
      'a@x.com',
      '--no-welcome',
    ]);
  });

  it('turns a Teams <at> mention into one quoted @name word', () => {
    expect(tokenize('admins grant <at>Alex Wilber</at> approver').map((t) => t.text)).toEqual([
      'admins',
      'grant',
      '@Alex Wilber',
      'approver',
    ]);
  });
});

describe('did you mean', () => {
  it('counts a swap of two neighbouring letters as one edit', () => {
    expect(editDistance('bnid', 'bind')).toBe(1);
    expect(editDistance('unbnid', 'unbind')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests the closest command, preferring one that contains the word', () => {
    expect(closest('bnid', registry.names())).toBe('bind');
    expect(closest('reset', registry.names())).toBe('password-reset');
    expect(closest('expirng', registry.names())).toBe('expiring');
  });

  it('answers an unknown command with the closest name', () => {
    expect(registry.resolve('unblokc a@x.com')).toMatchObject({ kind: 'unknown', suggestion: 'unblock' });
    expect(registry.resolve('admins grnat x')).toMatchObject({ kind: 'unknown', suggestion: 'admins grant' });
  });

  it('reads "admins" alone as "admins list" and a leading slash as nothing', () => {
    expect(registry.resolve('admins')).toMatchObject({ kind: 'ok', command: { name: 'admins list' } });
    expect(registry.resolve('/status')).toMatchObject({ kind: 'ok', command: { name: 'status' } });
  });
});

describe('arguments', () => {
  it('parses several users and the options of bind', () => {
    expect(parse('bind a@x.com, B@x.com b@X.com --license SPE_E3 --no-welcome')).toEqual({
      emails: ['a@x.com', 'B@x.com'],
      licenceSku: 'SPE_E3',
      welcome: false,
    });
    expect(parse('bind a@x.com --license=ENTERPRISEPACK')).toMatchObject({ licenceSku: 'ENTERPRISEPACK' });
  });

  it.each([
    ['bind', 'Name at least one user by e-mail address.'],
    ['bind alice', '"alice" is not an e-mail address.'],
    ['bind a@x.com --licence', '--licence needs a value.'],
    ['bind a@x.com --welcome', '--welcome is not an option of bind.'],
    ['import', 'Name at least one user by e-mail address, or use --all-new.'],
    ['import a@x.com --all-new', 'Name users by e-mail address or use --all-new, not both.'],
    ['password-reset a@x.com b@x.com', 'password-reset takes one user at a time.'],
    ['expiring soon', 'Days must be a whole number such as 14.'],
    ['import-preview --new --all', 'Choose one of --new, --conflicts and --all.'],
    ['digest subscribe 25:00 UTC', '"25:00" is not a time of day such as 09:30.'],
    ['digest subscribe 08:30 Mars/Olympus', '"Mars/Olympus" is not a time zone such as Europe/Paris.'],
    [
      'admins grant tenant-1:aad-x superuser',
      '"superuser" is not a role; use viewer, operator, approver or admin.',
    ],
    ['reconcile now', 'reconcile takes no "now".'],
  ])('refuses "%s" with one sentence: %s', (text, sentence) => {
    expect(parse(text)).toBe(sentence);
  });

  it('parses import-preview filters and free text', () => {
    expect(
      parse('import-preview --conflicts --domain contoso.com --department "Human Resources" anna'),
    ).toEqual({
      status: 'conflicts',
      domain: 'contoso.com',
      department: 'Human Resources',
      text: 'anna',
    });
  });

  it('fills the digest time and zone from the defaults, and pads a short hour', () => {
    expect(parse('digest subscribe')).toEqual({ time: '09:00', timeZone: 'UTC' });
    expect(parse('digest subscribe 8:05 Europe/Paris')).toEqual({ time: '08:05', timeZone: 'Europe/Paris' });
  });

  it('resolves a person by mention, Slack markup or id, never by a bare name', () => {
    const alex = { ...USERS.approver, displayName: 'Alex Wilber' };
    expect(parse('admins grant <at>Alex Wilber</at> operator', { ...context, mentions: [alex] })).toEqual({
      user: { platform: 'teams', userId: alex.id, displayName: 'Alex Wilber' },
      role: 'operator',
    });
    expect(parse('admins grant tenant-1:aad-x viewer')).toMatchObject({ user: { userId: 'tenant-1:aad-x' } });
    const slackAdmin = { ...USERS.admin, platform: 'slack' as const, id: 'T1:U1' };
    expect(parse('admins revoke <@U2ABC|sam>', { ...context, user: slackAdmin })).toEqual({
      user: { platform: 'slack', userId: 'T1:U2ABC', displayName: 'sam' },
    });
    expect(parse('admins revoke alex')).toMatch(/^"alex" is not a person/);
    expect(parse('admins revoke @Nobody')).toMatch(/^I can't tell who @Nobody is/);
  });
});
