/**
 * The raw material of the bad-input fuzz (fuzz-input.ts): pieces of text each family of bad input is built
 * from. Plain data; the generators combine them at random.
 */

export const UNICODE_PIECES: readonly string[] = [
  '\u202e', // right-to-left override
  '\u202d',
  '\u2066',
  '\u2069',
  '\u200f', // right-to-left mark
  'שלום',
  'مرحبا',
  '\u0301', // combining acute
  '\u0336\u0336\u0336', // combining long stroke overlays
  'e\u0301\u0302\u0303\u0304\u0305',
  'Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357',
  '👩‍👩‍👧‍👦', // zero-width-joined emoji
  '🏳️‍🌈',
  '🤷🏽‍♀️',
  '\u200b', // zero-width space
  '\u200c',
  '\u200d',
  '\ufeff',
  '\u2060',
  '\u00a0',
  '\u3000', // ideographic space
  'ｂｉｎｄ', // full-width letters
  'ß',
  'İ',
  'ﬁ',
  '\ud800', // lone surrogates
  '\udfff',
  '\u0000',
  '\u001b[31m',
  '\r\n',
  '\t',
  '\u2028',
  '—',
  '–',
  '“',
  '”',
  '‘',
  '’',
  '„',
];

export const QUOTE_PIECES: readonly string[] = [
  '"',
  "'",
  '“',
  '”',
  '‘',
  '’',
  '„',
  '`',
  '«',
  '»',
  '""',
  "''",
  '"\'"',
  '\\"',
  "\\'",
];

export const ODATA_PIECES: readonly string[] = [
  "' or 1 eq 1",
  "' or '1' eq '1",
  "x' or startswith(mail,'a') or mail eq 'y",
  'startswith(',
  "startswith(mail,'a')",
  'endswith(userPrincipalName,',
  '$filter=',
  '$filter=mail eq ',
  '&$top=999',
  '$select=*',
  '$expand=manager',
  '$search="a"',
  "proxyAddresses/any(p:p eq 'smtp:a')",
  ')) or ((',
  'not(',
  "accountEnabled eq true'",
  '%27%20or%201%20eq%201',
  '?$count=true',
  '/users?$filter=',
  "o'brien' or startswith(mail,'a')@contoso.com",
  "'; db.dropDatabase(); '",
  '{"$ne": null}',
  '{"$gt": ""}',
  '$where',
];

export const REGEX_PIECES: readonly string[] = [
  '.*',
  '.+',
  '^$',
  '(a+)+$',
  '(a|aa)+',
  '([a-z]+)*@',
  '[^]',
  '\\d{1,1000000}',
  '\\',
  '\\\\',
  '(?=',
  '(?<name>x)',
  '[[:alpha:]]',
  '$1',
  '$&',
  '/i',
  '|',
  '*',
  '+?',
  '{2,}',
  '<mailto:',
  '<https://',
  '<at>',
  '</at>',
];

export const MENTION_PIECES: readonly string[] = [
  '<at>Admin</at>',
  '<at></at>',
  '<at>Nobody Known</at>',
  '<at><at>x</at></at>',
  '<@U0ADMNORA>',
  '<@U0ADMNORA|nora>',
  '<@W123ABC|>',
  '<@BADID>',
  '<!channel>',
  '<!here>',
  '<!subteam^S123|@team>',
  '@admin',
  '@',
  '@@',
  '@everyone',
  '<@',
  'tenant-1:aad-operator',
  'tenant-1:aad-admin',
  ':',
  'a:b:c',
];

export const WORDS: readonly string[] = [
  'bind',
  'admin',
  'approve',
  'all',
  'yes',
  'confirm',
  'now',
  'please',
  'sudo',
  'rm',
  '-rf',
  '*',
];
