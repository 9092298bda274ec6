import { readFile } from 'node:fs/promises';
import type { ChatSettingsInput } from '../../commands/chat/settings.js';
import type { EngineSettingsInput } from '../../commands/engine/settings.js';
import type { GraphAppConnectionInput } from '../../graph/connection.js';
import type { Config } from '../config.js';
import { Secret } from '../secret.js';
import type { SlackAdapterOptionsInput } from '../slack/options.js';
import type { TeamsSettingsInput } from '../teams/settings.js';
import { StartupError } from './startup-error.js';

/** The parsed Config mapped onto each piece's own settings schema (each piece validates its own again). */

const HOUR_MS = 60 * 60 * 1000;
const MICROSOFT_AUTHORITY_HOST = 'login.microsoftonline.com';

export function engineSettings(config: Config, local: { welcomeSender?: string } = {}): EngineSettingsInput {
  return {
    passwordPolicy: {
      length: config.PASSWORD_LENGTH,
      requiredClasses: [...config.PASSWORD_CLASSES],
      expiryDays: config.PASSWORD_EXPIRY_DAYS,
      version: config.PASSWORD_POLICY_VERSION,
    },
    welcomeMail: { senderUpn: config.WELCOME_SENDER ?? local.welcomeSender ?? null },
    defaultUsageLocation: config.DEFAULT_USAGE_LOCATION,
  };
}

/** What local mode adds to the chat settings: its people, and a four-eyes policy worth trying. */
export interface LocalChatDefaults {
  firstAdmins: readonly { platform: 'teams' | 'slack'; id: string }[];
  /** Needs a second admin unless the configuration says otherwise for that command. */
  secondAdminCommands: readonly string[];
  /** Used when APPROVALS_CHANNEL is unset. */
  approvalsChannel: { platform: 'teams' | 'slack'; conversationId: string };
}

export function chatSettings(config: Config, local?: LocalChatDefaults): ChatSettingsInput {
  const commands: Record<string, 'second-admin' | 'self-confirm'> = {};
  for (const name of local?.secondAdminCommands ?? []) commands[name] = 'second-admin';
  for (const name of config.APPROVAL_SECOND_ADMIN) commands[name] = 'second-admin';
  for (const name of config.APPROVAL_SELF_CONFIRM) commands[name] = 'self-confirm';
  return {
    firstAdmins: [...config.CHAT_FIRST_ADMINS, ...(local?.firstAdmins ?? [])],
    approvals: {
      commands,
      bulkThreshold: config.BULK_APPROVAL_THRESHOLD,
      bulkApprovers: config.BULK_APPROVERS,
      allowSelfApproval: config.APPROVAL_ALLOW_SELF_APPROVAL,
      requestTtlMs: config.REQUEST_TTL_HOURS * HOUR_MS,
      channel: config.APPROVALS_CHANNEL ?? local?.approvalsChannel ?? null,
    },
    digest: { defaultTime: config.DIGEST_DEFAULT_TIME, defaultTimeZone: config.DIGEST_DEFAULT_TZ },
  };
}

/** The PEM private key of the certificate credential, read once at start; a clear sentence when unreadable. */
async function readPrivateKey(path: string): Promise<Secret> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new StartupError(`GRAPH_CERTIFICATE_PATH: cannot read ${path} (${reason}).`, { cause: error });
  }
  const key = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(
    pem,
  );
  if (key === null)
    throw new StartupError(`GRAPH_CERTIFICATE_PATH: ${path} holds no PEM private key (BEGIN PRIVATE KEY).`);
  return new Secret(key[0]);
}

/**
 * The Graph connection from GRAPH_* (client secret or certificate, Microsoft's endpoints unless
 * GRAPH_AUTHORITY_HOST / GRAPH_BASE_URL say otherwise) or from GRAPH_SANDBOX_CONNECTION as printed by
 * `npm run sandbox`. Undefined when Graph is not configured (local mode starts its own sandbox).
 */
export async function configuredGraphConnection(
  config: Config,
): Promise<GraphAppConnectionInput | undefined> {
  if (config.GRAPH_SANDBOX_CONNECTION !== undefined) return config.GRAPH_SANDBOX_CONNECTION;
  const { GRAPH_TENANT_ID: tenantId, GRAPH_CLIENT_ID: clientId } = config;
  if (tenantId === undefined || clientId === undefined) return undefined;
  const host = config.GRAPH_AUTHORITY_HOST;
  const endpoints = {
    tenantId,
    clientId,
    authority: `https://${host}/${tenantId}`,
    // Microsoft's own host is discovered as usual; any other (a sovereign cloud, a stand-in) is trusted as given.
    ...(host === MICROSOFT_AUTHORITY_HOST ? {} : { knownAuthorities: [host] }),
    graphBaseUrl: config.GRAPH_BASE_URL,
  };
  if (config.GRAPH_CLIENT_SECRET !== undefined)
    return { ...endpoints, clientSecret: config.GRAPH_CLIENT_SECRET };
  const path = config.GRAPH_CERTIFICATE_PATH;
  const thumbprint = config.GRAPH_CERTIFICATE_THUMBPRINT;
  if (path === undefined || thumbprint === undefined) return undefined;
  return { ...endpoints, clientCertificate: { thumbprint, privateKey: await readPrivateKey(path) } };
}

export function teamsSettings(config: Config): TeamsSettingsInput {
  return {
    ...(config.MICROSOFT_APP_ID === undefined ? {} : { appId: config.MICROSOFT_APP_ID }),
    ...(config.MICROSOFT_APP_PASSWORD === undefined ? {} : { appPassword: config.MICROSOFT_APP_PASSWORD }),
    ...(config.MICROSOFT_APP_TENANT_ID === undefined ? {} : { appTenantId: config.MICROSOFT_APP_TENANT_ID }),
  };
}

export function slackOptions(config: Config): SlackAdapterOptionsInput | undefined {
  const { SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: botToken } = config;
  if (signingSecret === undefined || botToken === undefined) return undefined;
  return {
    signingSecret,
    botToken,
    apiUrl: config.SLACK_API_URL,
    ...(config.SLACK_APP_TOKEN === undefined ? {} : { appToken: config.SLACK_APP_TOKEN }),
    ...(config.SLACK_BOT_ID === undefined || config.SLACK_BOT_USER_ID === undefined
      ? {}
      : { botId: config.SLACK_BOT_ID, botUserId: config.SLACK_BOT_USER_ID }),
  };
}
