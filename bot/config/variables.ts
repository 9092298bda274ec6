import { z } from 'zod';
import { CHARACTER_CLASSES } from '../../commands/engine/settings.js';
import { isTimeZone } from '../../commands/chat/settings.js';
import { approvalsChannel, chatPrincipal, commandList } from './chat-values.js';
import {
  baseUrl,
  commaList,
  flag,
  hostAndPort,
  optional,
  prefixedSecret,
  sandboxConnection,
  secret,
  thumbprint,
  timeOfDay,
  wholeNumber,
} from './parsers.js';

/**
 * Every environment variable the bot reads, with its schema and the example a problem message shows. Each one
 * is documented in .env.example (a test keeps the two in sync).
 */

export interface VariableSpec {
  schema: z.ZodType;
  example: string;
}

const mongoUri = z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://');

const processVariables = {
  PORT: {
    schema: wholeNumber(0, 65535, 'must be a whole number from 0 to 65535').default(3978),
    example: '3978',
  },
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
  SHUTDOWN_TIMEOUT_MS: {
    schema: wholeNumber(0, 3_600_000, 'must be a whole number of milliseconds from 0 to 3600000').default(
      10_000,
    ),
    example: '10000',
  },
} satisfies Record<string, VariableSpec>;

const graphVariables = {
  GRAPH_TENANT_ID: { schema: optional(z.uuid()), example: '7f0c5a2e-4d8b-4a51-9c3e-2b6f1d9e8a40' },
  GRAPH_CLIENT_ID: { schema: optional(z.uuid()), example: '3c1d9b7a-52e4-4f0a-8d6b-9a2e7c4f1b05' },
  GRAPH_CLIENT_SECRET: { schema: optional(secret), example: '<client secret value from Entra>' },
  GRAPH_CERTIFICATE_PATH: {
    schema: optional(z.string().min(1)),
    example: '/etc/m365-chatops/graph-app.pem',
  },
  GRAPH_CERTIFICATE_THUMBPRINT: {
    schema: optional(thumbprint),
    example: '3A5F9C2E7B1D4C8A6E0F2B9D7C5A3E1F8B6D4C2A',
  },
  GRAPH_AUTHORITY_HOST: {
    schema: hostAndPort.default('login.microsoftonline.com'),
    example: 'login.microsoftonline.com',
  },
  GRAPH_BASE_URL: {
    schema: baseUrl.default('https://graph.microsoft.com/'),
    example: 'https://graph.microsoft.com/',
  },
  GRAPH_SANDBOX_CONNECTION: {
    schema: optional(sandboxConnection),
    example: '<the JSON line `npm run --silent sandbox` prints>',
  },
} satisfies Record<string, VariableSpec>;

const teamsVariables = {
  MICROSOFT_APP_ID: { schema: optional(z.uuid()), example: '5b2e0c1d-7a34-4e8f-9b21-6c0d4e3f2a19' },
  MICROSOFT_APP_PASSWORD: { schema: optional(secret), example: '<bot app password>' },
  MICROSOFT_APP_TENANT_ID: { schema: optional(z.uuid()), example: '7f0c5a2e-4d8b-4a51-9c3e-2b6f1d9e8a40' },
} satisfies Record<string, VariableSpec>;

const slackVariables = {
  SLACK_SIGNING_SECRET: { schema: optional(secret), example: '<signing secret from the Slack app page>' },
  SLACK_BOT_TOKEN: {
    schema: optional(prefixedSecret('xoxb-', 'must be a bot token starting with xoxb-')),
    example: 'xoxb-…',
  },
  SLACK_APP_TOKEN: {
    schema: optional(prefixedSecret('xapp-', 'must be an app-level token starting with xapp-')),
    example: 'xapp-…',
  },
  SLACK_API_URL: { schema: baseUrl.default('https://slack.com/api/'), example: 'https://slack.com/api/' },
  SLACK_BOT_ID: {
    schema: optional(z.string().regex(/^B[A-Z0-9]+$/, 'must be a Slack bot id such as B0123ABCD')),
    example: 'B0123ABCD',
  },
  SLACK_BOT_USER_ID: {
    schema: optional(z.string().regex(/^[UW][A-Z0-9]+$/, 'must be a Slack user id such as U0123ABCD')),
    example: 'U0123ABCD',
  },
} satisfies Record<string, VariableSpec>;

const engineVariables = {
  PASSWORD_LENGTH: {
    schema: wholeNumber(12, 256, 'must be a whole number from 12 to 256').default(16),
    example: '16',
  },
  PASSWORD_CLASSES: {
    schema: commaList(
      z.enum(CHARACTER_CLASSES, { error: 'each entry must be lower, upper, digit or symbol' }),
    )
      .refine((classes) => new Set(classes).size >= 3, 'must name at least 3 different classes')
      .transform((classes) => [...new Set(classes)])
      .default([...CHARACTER_CLASSES]),
    example: 'lower,upper,digit,symbol',
  },
  PASSWORD_EXPIRY_DAYS: {
    schema: wholeNumber(0, 3650, 'must be a whole number of days from 0 (never) to 3650').default(90),
    example: '90',
  },
  PASSWORD_POLICY_VERSION: {
    schema: wholeNumber(1, 1_000_000, 'must be a whole number from 1').default(1),
    example: '1',
  },
  WELCOME_SENDER: {
    schema: optional(z.email('must be a mailbox address')),
    example: 'it-welcome@contoso.com',
  },
  DEFAULT_USAGE_LOCATION: {
    schema: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be two upper-case letters (ISO 3166 country code)')
      .default('US'),
    example: 'US',
  },
  DEFAULT_LICENSE_SKU: {
    schema: optional(z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'must be a SKU part number or id')),
    example: 'SPE_E3',
  },
} satisfies Record<string, VariableSpec>;

const chatVariables = {
  CHAT_FIRST_ADMINS: {
    schema: commaList(chatPrincipal).default([]),
    example:
      'teams:7f0c5a2e-4d8b-4a51-9c3e-2b6f1d9e8a40:a1d4e2f0-3b5c-4d6e-8f70-91a2b3c4d5e1,slack:T0LOCAL001:U0ADMNORA',
  },
  APPROVAL_SECOND_ADMIN: { schema: commandList.default([]), example: 'unbind,block' },
  APPROVAL_SELF_CONFIRM: { schema: commandList.default([]), example: 'password-reset' },
  APPROVAL_ALLOW_SELF_APPROVAL: { schema: flag.default(false), example: 'false' },
  APPROVALS_CHANNEL: { schema: optional(approvalsChannel), example: 'slack:C0APPROVAL' },
  BULK_APPROVAL_THRESHOLD: {
    schema: wholeNumber(1, 1_000_000, 'must be a whole number of users from 1').default(50),
    example: '50',
  },
  BULK_APPROVERS: {
    schema: wholeNumber(1, 5, 'must be a whole number from 1 to 5').default(2),
    example: '2',
  },
  REQUEST_TTL_HOURS: {
    schema: wholeNumber(1, 720, 'must be a whole number of hours from 1 to 720').default(24),
    example: '24',
  },
  DIGEST_DEFAULT_TIME: { schema: timeOfDay.default('09:00'), example: '09:00' },
  DIGEST_DEFAULT_TZ: {
    schema: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris').default('UTC'),
    example: 'Europe/Paris',
  },
} satisfies Record<string, VariableSpec>;

export const VARIABLES = {
  ...processVariables,
  ...graphVariables,
  ...teamsVariables,
  ...slackVariables,
  ...engineVariables,
  ...chatVariables,
};

export type Variables = typeof VARIABLES;
export type VariableName = keyof Variables;
