import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { format, inspect } from 'node:util';
import { ConfigError, loadConfig } from '../../bot/config.js';
import { Secret } from '../../bot/secret.js';
import { captureLog } from '../support/app.js';

const SECRET_VARIABLES = [
  'GRAPH_CLIENT_SECRET',
  'MICROSOFT_APP_PASSWORD',
  'SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN',
] as const;

/** Runs loadConfig and returns the ConfigError it must throw. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(Object.keys(env))} to be refused`);
}

/** `NAME=value` and `# NAME=value` lines of .env.example. */
function envExampleAssignments(): Map<string, string> {
  const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
  const assignments = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^(?:#\s?)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) assignments.set(match[1], match[2]);
  }
  return assignments;
}

describe('configuration defaults', () => {
  it('starts with no variable set: port 3978 on loopback, embedded database, no secrets', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      PORT: 3978,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'auto',
      MONGODB_URI: undefined,
      MONGODB_DB: 'm365chatops',
      DATA_DIR: '.data',
      SHUTDOWN_TIMEOUT_MS: 10_000,
      GRAPH_TENANT_ID: undefined,
      GRAPH_CLIENT_ID: undefined,
      GRAPH_CLIENT_SECRET: undefined,
      MICROSOFT_APP_ID: undefined,
      MICROSOFT_APP_PASSWORD: undefined,
      MICROSOFT_APP_TENANT_ID: undefined,
      GRAPH_CERTIFICATE_PATH: undefined,
      GRAPH_CERTIFICATE_THUMBPRINT: undefined,
      GRAPH_AUTHORITY_HOST: 'login.microsoftonline.com',
      GRAPH_BASE_URL: 'https://graph.microsoft.com/',
      GRAPH_SANDBOX_CONNECTION: undefined,
      SLACK_SIGNING_SECRET: undefined,
      SLACK_BOT_TOKEN: undefined,
      SLACK_APP_TOKEN: undefined,
      SLACK_API_URL: 'https://slack.com/api/',
      SLACK_BOT_ID: undefined,
      SLACK_BOT_USER_ID: undefined,
      PASSWORD_LENGTH: 16,
      PASSWORD_CLASSES: ['lower', 'upper', 'digit', 'symbol'],
      PASSWORD_EXPIRY_DAYS: 90,
      PASSWORD_POLICY_VERSION: 1,
      WELCOME_SENDER: undefined,
      DEFAULT_USAGE_LOCATION: 'US',
      DEFAULT_LICENSE_SKU: undefined,
      CHAT_FIRST_ADMINS: [],
      APPROVAL_SECOND_ADMIN: [],
      APPROVAL_SELF_CONFIRM: [],
      APPROVAL_ALLOW_SELF_APPROVAL: false,
      APPROVALS_CHANNEL: undefined,
      BULK_APPROVAL_THRESHOLD: 50,
      BULK_APPROVERS: 2,
      REQUEST_TTL_HOURS: 24,
      DIGEST_DEFAULT_TIME: '09:00',
      DIGEST_DEFAULT_TZ: 'UTC',
    });
  });

  it('treats an empty value as unset, so PORT= keeps the default instead of becoming port 0', () => {
    const config = loadConfig({ PORT: '', MONGODB_URI: '', SHUTDOWN_TIMEOUT_MS: '', SLACK_BOT_TOKEN: '' });
    expect(config.PORT).toBe(3978);
    expect(config.MONGODB_URI).toBeUndefined();
    expect(config.SHUTDOWN_TIMEOUT_MS).toBe(10_000);
    expect(config.SLACK_BOT_TOKEN).toBeUndefined();
  });

  it('parses numbers and keeps the values it is given', () => {
    const config = loadConfig({
      PORT: '0',
      MONGODB_URI: 'mongodb+srv://bot@cluster0.example.net/',
      LOG_FORMAT: 'json',
      SHUTDOWN_TIMEOUT_MS: '2500',
    });
    expect(config).toMatchObject({
      PORT: 0,
      MONGODB_URI: 'mongodb+srv://bot@cluster0.example.net/',
      LOG_FORMAT: 'json',
      SHUTDOWN_TIMEOUT_MS: 2500,
    });
  });

  it('ignores variables it does not own', () => {
    expect(loadConfig({ PATH: '/usr/bin', NODE_ENV: 'whatever' })).toEqual(loadConfig({}));
  });

  it('wraps every secret in Secret, whose reveal() gives the value back', () => {
    const config = loadConfig({
      GRAPH_TENANT_ID: '7f0c5a2e-4d8b-4a51-9c3e-2b6f1d9e8a40',
      GRAPH_CLIENT_ID: '3c1d9b7a-52e4-4f0a-8d6b-9a2e7c4f1b05',
      GRAPH_CLIENT_SECRET: 'graph-value',
      MICROSOFT_APP_ID: '5b2e0c1d-7a34-4e8f-9b21-6c0d4e3f2a19',
      MICROSOFT_APP_PASSWORD: 'teams-value',
      SLACK_SIGNING_SECRET: 'signing-value',
      SLACK_BOT_TOKEN: 'xoxb-bot-value',
      CHAT_FIRST_ADMINS: 'slack:T0123:U0123',
    });
    for (const name of SECRET_VARIABLES) expect(config[name]).toBeInstanceOf(Secret);
    expect(config.GRAPH_CLIENT_SECRET?.reveal()).toBe('graph-value');
    expect(config.SLACK_BOT_TOKEN?.reveal()).toBe('xoxb-bot-value');
  });
});

describe('a bad configuration', () => {
  it('is refused with one message listing every problem: name, what is wrong, an example', () => {
    const error = configError({ PORT: 'abc', MONGODB_URI: 'http://x', SLACK_BOT_TOKEN: 'wrong' });
    expect(error.problems).toEqual([
      'PORT: must be a whole number from 0 to 65535 (example: PORT=3978)',
      'MONGODB_URI: must start with mongodb:// or mongodb+srv:// (example: MONGODB_URI=mongodb://127.0.0.1:27017/?replicaSet=rs0)',
      'SLACK_BOT_TOKEN: must be a bot token starting with xoxb- (example: SLACK_BOT_TOKEN=xoxb-…)',
    ]);
    expect(error.message.split('\n')).toEqual([
      'Configuration is not valid:',
      ...error.problems.map((problem) => `  - ${problem}`),
    ]);
  });

  it('names each out-of-range or malformed value it meets', () => {
    const error = configError({
      PORT: '70000',
      LOG_LEVEL: 'loud',
      MONGODB_DB: 'has space',
      SHUTDOWN_TIMEOUT_MS: '-1',
      GRAPH_TENANT_ID: 'contoso',
    });
    expect(error.problems.map((problem) => problem.split(':')[0])).toEqual([
      'PORT',
      'LOG_LEVEL',
      'MONGODB_DB',
      'SHUTDOWN_TIMEOUT_MS',
      'GRAPH_TENANT_ID',
    ]);
    for (const problem of error.problems) expect(problem).toMatch(/^[A-Z_]+: .+ \(example: [A-Z_]+=.+\)$/);
  });

  it('never repeats a secret value, even when the secret is the invalid value', () => {
    const badToken = 'not-a-bot-token-7f3c9e1d';
    const goodSecret = 'valid-graph-secret-5b8a2c';
    const error = configError({ PORT: 'abc', SLACK_BOT_TOKEN: badToken, GRAPH_CLIENT_SECRET: goodSecret });
    expect(error.problems.some((problem) => problem.startsWith('SLACK_BOT_TOKEN:'))).toBe(true);
    const everyRendering = [error.message, error.stack ?? '', inspect(error), JSON.stringify(error)].join(
      '\n',
    );
    expect(everyRendering).not.toContain(badToken);
    expect(everyRendering).not.toContain(goodSecret);
  });
});

describe('Secret', () => {
  const secret = new Secret('s3cr3t-value-42');
  const holder = { clientSecret: secret, nested: { token: secret } };

  it.each([
    ['String()', () => String(secret)],
    // The lint rules forbid an object in a template; a careless log line would still compile, so test it.
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions
    ['a template string', () => `value=${secret}`],
    ['string concatenation', () => 'value=' + (secret as unknown as string)],
    ['JSON.stringify', () => JSON.stringify(holder)],
    ['util.inspect', () => inspect(holder, { depth: 5 })],
    ['util.format %s %o %j', () => format('%s %o %j', secret, holder, holder)],
  ])('prints [redacted] through %s', (_how, render) => {
    const text = render();
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('s3cr3t-value-42');
  });

  it('prints [redacted] in pino log lines, as a field, nested, or in the message', () => {
    const log = captureLog();
    log.logger.info({ secret, holder }, 'using %s', secret);
    log.logger.info(holder);
    expect(log.lines).toHaveLength(2);
    for (const line of log.lines) {
      expect(line).toContain('[redacted]');
      expect(line).not.toContain('s3cr3t-value-42');
    }
  });
});

describe('.env.example', () => {
  const assignments = envExampleAssignments();

  it('documents exactly the variables the configuration reads', () => {
    expect([...assignments.keys()].sort()).toEqual(Object.keys(loadConfig({})).sort());
  });

  it('gives examples that the configuration accepts', () => {
    expect(() => loadConfig(Object.fromEntries(assignments))).not.toThrow();
  });

  it('holds no secret value', () => {
    for (const name of SECRET_VARIABLES) expect(assignments.get(name)).toBe('');
  });
});
