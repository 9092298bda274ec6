import { z } from 'zod';
import { Secret } from './secret.js';

/**
 * The one place that reads the environment. `loadConfig(process.env)` is called once by the entry point; the
 * parsed Config is passed to everything else. Each variable is documented in .env.example.
 */

const secret = z
  .string()
  .min(1)
  .transform((value) => new Secret(value));

const emptyAsUndefined = (value: unknown): unknown => (value === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyAsUndefined, schema.optional());

const mongoUri = z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://');

interface VariableSpec {
  schema: z.ZodType;
  example: string;
}

/** Every variable with its schema and an example shown when it is wrong. */
const variables = {
  PORT: { schema: z.coerce.number().int().min(0).max(65535).default(3978), example: '3978' },
  HOST: { schema: z.string().min(1).default('127.0.0.1'), example: '127.0.0.1' },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    example: 'info',
  },
  LOG_FORMAT: { schema: z.enum(['auto', 'pretty', 'json']).default('auto'), example: 'json' },
  MONGODB_URI: { schema: optional(mongoUri), example: 'mongodb://127.0.0.1:27017/?replicaSet=rs0' },
  MONGODB_DB: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be 1–63 letters, digits, _ or -')
      .default('m365chatops'),
    example: 'm365chatops',
  },
  DATA_DIR: { schema: z.string().min(1).default('.data'), example: '.data' },
  SHUTDOWN_TIMEOUT_MS: { schema: z.coerce.number().int().min(0).default(10_000), example: '10000' },
  GRAPH_TENANT_ID: { schema: optional(z.uuid()), example: '7f0c5a2e-4d8b-4a51-9c3e-2b6f1d9e8a40' },
  GRAPH_CLIENT_ID: { schema: optional(z.uuid()), example: '3c1d9b7a-52e4-4f0a-8d6b-9a2e7c4f1b05' },
  GRAPH_CLIENT_SECRET: { schema: optional(secret), example: '<client secret value from Entra>' },
  MICROSOFT_APP_ID: { schema: optional(z.uuid()), example: '5b2e0c1d-7a34-4e8f-9b21-6c0d4e3f2a19' },
  MICROSOFT_APP_PASSWORD: { schema: optional(secret), example: '<bot app password>' },
  MICROSOFT_APP_TENANT_ID: { schema: optional(z.uuid()), example: '7f0c5a2e-4d8b-4a51-9c3e-2b6f1d9e8a40' },
  SLACK_SIGNING_SECRET: { schema: optional(secret), example: '<signing secret from the Slack app page>' },
  SLACK_BOT_TOKEN: {
    schema: optional(
      z
        .string()
        .regex(/^xoxb-/, 'must be a bot token starting with xoxb-')
        .transform((value) => new Secret(value)),
    ),
    example: 'xoxb-…',
  },
} satisfies Record<string, VariableSpec>;

type Variables = typeof variables;
export type Config = { readonly [K in keyof Variables]: z.output<Variables[K]['schema']> };

const schema = z.object(
  Object.fromEntries(Object.entries(variables).map(([name, spec]) => [name, spec.schema])) as {
    [K in keyof Variables]: Variables[K]['schema'];
  },
);

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError listing every problem (name, what is wrong, an example). */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const relevant = Object.fromEntries(Object.keys(variables).map((name) => [name, env[name]]));
  const result = schema.safeParse(relevant);
  if (result.success) return result.data as Config;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0]) as keyof Variables;
    // Never echo the received value: it may be a secret.
    return `${name}: ${issue.message} (example: ${name}=${variables[name].example})`;
  });
  throw new ConfigError(problems);
}
