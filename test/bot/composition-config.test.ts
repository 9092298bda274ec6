/**
 * The configuration of the wired bot: each new variable's syntax, the checks across variables (reported with
 * every other problem in one ConfigError), which parts run for real or locally, and how the Config maps onto
 * the engine's, the chat core's and the Graph gateway's settings.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDefaultLicence } from '../../bot/composition/engine.js';
import { resolveModes } from '../../bot/composition/modes.js';
import type { Engine } from '../../commands/engine/engine.js';
import {
  chatSettings,
  configuredGraphConnection,
  engineSettings,
  slackOptions,
  teamsSettings,
} from '../../bot/composition/settings.js';
import { ConfigError, loadConfig } from '../../bot/config.js';
import { LOCAL_CHAT_DEFAULTS } from '../../bot/local-mode.js';
import { Secret } from '../../bot/secret.js';
import { StartupError } from '../../bot/composition/startup-error.js';

const TENANT = '7f0c5a2e-4d8b-4a51-9c3e-2b6f1d9e8a40';
const CLIENT = '3c1d9b7a-52e4-4f0a-8d6b-9a2e7c4f1b05';
const APP = '5b2e0c1d-7a34-4e8f-9b21-6c0d4e3f2a19';
const GRAPH = { GRAPH_TENANT_ID: TENANT, GRAPH_CLIENT_ID: CLIENT, GRAPH_CLIENT_SECRET: 'graph-secret-value' };
const TEAMS = { MICROSOFT_APP_ID: APP, MICROSOFT_APP_PASSWORD: 'teams-password-value' };
const SLACK = { SLACK_SIGNING_SECRET: 'signing-secret-value', SLACK_BOT_TOKEN: 'xoxb-1-2-token' };
const ADMIN = { CHAT_FIRST_ADMINS: `teams:${TENANT}:a1d4e2f0-3b5c-4d6e-8f70-91a2b3c4d5e1` };
const SANDBOX_LINE = JSON.stringify({
  tenantId: TENANT,
  clientId: CLIENT,
  clientSecret: 'sandbox-client-secret',
  authority: `https://127.0.0.1:4010/${TENANT}`,
  knownAuthorities: ['127.0.0.1:4010'],
  authorityMetadata: '{"token_endpoint":"http://127.0.0.1:4010/t"}',
  graphBaseUrl: 'http://127.0.0.1:4010/',
});

/** The variable names of every problem loadConfig reports for `env`. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.split(':')[0] ?? '');
    throw error;
  }
  return [];
}

describe('checks across variables', () => {
  it('wants all of the Graph app registration or none of it', () => {
    expect(problemsOf({ GRAPH_CLIENT_SECRET: 'only-the-secret' })).toEqual([
      'GRAPH_TENANT_ID',
      'GRAPH_CLIENT_ID',
    ]);
    expect(problemsOf({ GRAPH_TENANT_ID: TENANT, GRAPH_CLIENT_ID: CLIENT })).toEqual(['GRAPH_CLIENT_SECRET']);
    expect(problemsOf(GRAPH)).toEqual([]);
  });

  it('takes a certificate instead of a secret, with both its file and its thumbprint, never both credentials', () => {
    const certificate = {
      GRAPH_CERTIFICATE_PATH: '/etc/app.pem',
      GRAPH_CERTIFICATE_THUMBPRINT: 'ab'.repeat(20),
    };
    const withoutSecret = { GRAPH_TENANT_ID: TENANT, GRAPH_CLIENT_ID: CLIENT };
    expect(problemsOf({ ...withoutSecret, ...certificate })).toEqual([]);
    expect(problemsOf({ ...withoutSecret, GRAPH_CERTIFICATE_PATH: '/etc/app.pem' })).toEqual([
      'GRAPH_CERTIFICATE_THUMBPRINT',
    ]);
    expect(problemsOf({ ...GRAPH, ...certificate })).toEqual(['GRAPH_CLIENT_SECRET']);
    expect(problemsOf({ ...withoutSecret, ...certificate, GRAPH_CERTIFICATE_THUMBPRINT: 'xyz' })).toEqual([
      'GRAPH_CERTIFICATE_THUMBPRINT',
    ]);
  });

  it('takes the sandbox’s JSON line alone, never beside GRAPH_* credentials or endpoints', () => {
    expect(problemsOf({ GRAPH_SANDBOX_CONNECTION: SANDBOX_LINE })).toEqual([]);
    expect(
      problemsOf({ GRAPH_SANDBOX_CONNECTION: SANDBOX_LINE, GRAPH_BASE_URL: 'https://graph.microsoft.com/' }),
    ).toEqual(['GRAPH_BASE_URL']);
    expect(problemsOf({ GRAPH_SANDBOX_CONNECTION: '{"tenantId":"x"}' })).toEqual([
      'GRAPH_SANDBOX_CONNECTION',
    ]);
  });

  it('pairs the Teams app id with its password, and the Slack signing secret with the bot token', () => {
    expect(problemsOf({ ...GRAPH, ...ADMIN, MICROSOFT_APP_ID: APP })).toEqual(['MICROSOFT_APP_PASSWORD']);
    expect(problemsOf({ MICROSOFT_APP_PASSWORD: 'p' })).toEqual(['MICROSOFT_APP_PASSWORD']);
    expect(problemsOf({ ...GRAPH, SLACK_BOT_TOKEN: 'xoxb-1', CHAT_FIRST_ADMINS: 'slack:T1:U1' })).toEqual([
      'SLACK_SIGNING_SECRET',
    ]);
    expect(problemsOf({ SLACK_API_URL: 'http://127.0.0.1:1/api/' })).toEqual(['SLACK_API_URL']);
    expect(problemsOf({ ...GRAPH, ...SLACK, CHAT_FIRST_ADMINS: 'slack:T1:U1', SLACK_BOT_ID: 'B1' })).toEqual([
      'SLACK_BOT_USER_ID',
    ]);
  });

  it('refuses real chat without Microsoft Graph or without a first admin on a configured platform', () => {
    expect(problemsOf({ ...TEAMS, ...ADMIN })).toEqual(['GRAPH_TENANT_ID']);
    expect(problemsOf({ ...GRAPH, ...TEAMS })).toEqual(['CHAT_FIRST_ADMINS']);
    expect(problemsOf({ ...GRAPH, ...TEAMS, CHAT_FIRST_ADMINS: 'slack:T1:U1' })).toEqual([
      'CHAT_FIRST_ADMINS',
    ]);
    expect(problemsOf({ ...GRAPH, ...TEAMS, ...ADMIN, APPROVALS_CHANNEL: 'slack:C0APPROVAL' })).toEqual([
      'APPROVALS_CHANNEL',
    ]);
  });

  it('keeps the unauthenticated local endpoints on loopback', () => {
    expect(problemsOf({ HOST: '0.0.0.0' })).toEqual(['HOST']);
    expect(problemsOf({ HOST: 'localhost' })).toEqual([]);
    expect(problemsOf({ ...GRAPH, ...TEAMS, ...ADMIN, HOST: '0.0.0.0' })).toEqual([]);
  });

  it('reads approval policies as command lists, and refuses contradictions', () => {
    expect(
      problemsOf({ APPROVAL_SECOND_ADMIN: 'unbind, admins grant', APPROVAL_SELF_CONFIRM: 'bind' }),
    ).toEqual([]);
    expect(problemsOf({ APPROVAL_SECOND_ADMIN: 'unbind', APPROVAL_SELF_CONFIRM: 'unbind' })).toEqual([
      'APPROVAL_SELF_CONFIRM',
    ]);
    expect(problemsOf({ APPROVAL_SELF_CONFIRM: 'disconnect' })).toEqual(['APPROVAL_SELF_CONFIRM']);
    expect(problemsOf({ APPROVAL_SECOND_ADMIN: 'status' })).toEqual(['APPROVAL_SECOND_ADMIN']);
  });

  it('lists cross-variable problems with the malformed values, naming each once', () => {
    const error = (() => {
      try {
        loadConfig({ PORT: 'x', GRAPH_CLIENT_SECRET: 's', DIGEST_DEFAULT_TZ: 'Mars/Olympus' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((problem) => problem.split(':')[0])).toEqual([
      'PORT',
      'DIGEST_DEFAULT_TZ',
      'GRAPH_TENANT_ID',
      'GRAPH_CLIENT_ID',
    ]);
    for (const problem of problems) expect(problem).toMatch(/^[A-Z_]+: .+ \(example: [A-Z_]+=.+\)$/);
  });
});

describe('values', () => {
  it('parses first admins as the chat core keys people (AAD ids in lower case)', () => {
    const config = loadConfig({
      CHAT_FIRST_ADMINS: `teams:${TENANT.toUpperCase()}:A1D4E2F0-3B5C-4D6E-8F70-91A2B3C4D5E1, slack:T0LOCAL001:U0ADMNORA`,
    });
    expect(config.CHAT_FIRST_ADMINS).toEqual([
      { platform: 'teams', id: `${TENANT}:a1d4e2f0-3b5c-4d6e-8f70-91a2b3c4d5e1` },
      { platform: 'slack', id: 'T0LOCAL001:U0ADMNORA' },
    ]);
    expect(problemsOf({ CHAT_FIRST_ADMINS: 'nora' })).toEqual(['CHAT_FIRST_ADMINS']);
  });

  it('keeps the sandbox connection’s client secret a Secret', () => {
    const config = loadConfig({ GRAPH_SANDBOX_CONNECTION: SANDBOX_LINE });
    expect(config.GRAPH_SANDBOX_CONNECTION?.clientSecret).toBeInstanceOf(Secret);
    expect(JSON.stringify(config)).not.toContain('sandbox-client-secret');
  });
});

describe('what runs where', () => {
  it('is all local with nothing configured', () => {
    expect(resolveModes(loadConfig({}))).toEqual({ graph: 'local', teams: 'local', slack: 'local' });
  });

  it('keeps chat local in front of a configured Graph or a sandbox started with npm run sandbox', () => {
    expect(resolveModes(loadConfig(GRAPH))).toEqual({ graph: 'configured', teams: 'local', slack: 'local' });
    expect(resolveModes(loadConfig({ GRAPH_SANDBOX_CONNECTION: SANDBOX_LINE }))).toEqual({
      graph: 'sandbox-connection',
      teams: 'local',
      slack: 'local',
    });
  });

  it('runs only the configured platforms once one is configured', () => {
    expect(resolveModes(loadConfig({ ...GRAPH, ...TEAMS, ...ADMIN }))).toEqual({
      graph: 'configured',
      teams: 'configured',
      slack: 'off',
    });
    expect(resolveModes(loadConfig({ ...GRAPH, ...SLACK, CHAT_FIRST_ADMINS: 'slack:T1:U1' }))).toEqual({
      graph: 'configured',
      teams: 'off',
      slack: 'configured',
    });
  });
});

describe('settings of each part', () => {
  it('maps the approval variables onto the chat core’s settings, over local mode’s defaults', () => {
    const config = loadConfig({
      APPROVAL_SECOND_ADMIN: 'block',
      APPROVAL_SELF_CONFIRM: 'unbind',
      BULK_APPROVAL_THRESHOLD: '10',
      BULK_APPROVERS: '3',
      REQUEST_TTL_HOURS: '2',
      DIGEST_DEFAULT_TIME: '07:30',
      DIGEST_DEFAULT_TZ: 'Europe/Stockholm',
    });
    expect(chatSettings(config, LOCAL_CHAT_DEFAULTS)).toMatchObject({
      firstAdmins: LOCAL_CHAT_DEFAULTS.firstAdmins,
      approvals: {
        commands: { unbind: 'self-confirm', block: 'second-admin' },
        bulkThreshold: 10,
        bulkApprovers: 3,
        requestTtlMs: 2 * 60 * 60 * 1000,
        channel: { platform: 'slack', conversationId: 'C0APPROVAL' },
      },
      digest: { defaultTime: '07:30', defaultTimeZone: 'Europe/Stockholm' },
    });
    expect(chatSettings(loadConfig({}))).toMatchObject({
      firstAdmins: [],
      approvals: { commands: {}, channel: null },
    });
  });

  it('maps the password policy and welcome sender onto the engine’s settings', () => {
    const config = loadConfig({
      PASSWORD_LENGTH: '20',
      PASSWORD_CLASSES: 'lower, upper, digit',
      PASSWORD_EXPIRY_DAYS: '0',
      WELCOME_SENDER: 'it@contoso.com',
    });
    expect(engineSettings(config, { welcomeSender: 'local@contoso.com' })).toMatchObject({
      passwordPolicy: { length: 20, requiredClasses: ['lower', 'upper', 'digit'], expiryDays: 0 },
      welcomeMail: { senderUpn: 'it@contoso.com' },
      defaultUsageLocation: 'US',
    });
    expect(engineSettings(loadConfig({})).welcomeMail).toEqual({ senderUpn: null });
  });

  it('builds the Graph connection for Microsoft or another authority host', async () => {
    const microsoft = await configuredGraphConnection(loadConfig(GRAPH));
    expect(microsoft).toMatchObject({
      authority: `https://login.microsoftonline.com/${TENANT}`,
      graphBaseUrl: 'https://graph.microsoft.com/',
    });
    expect(microsoft?.knownAuthorities).toBeUndefined();
    expect(microsoft?.clientSecret).toBeInstanceOf(Secret);
    const elsewhere = await configuredGraphConnection(
      loadConfig({
        ...GRAPH,
        GRAPH_AUTHORITY_HOST: 'login.microsoftonline.us',
        GRAPH_BASE_URL: 'https://graph.microsoft.us',
      }),
    );
    expect(elsewhere).toMatchObject({
      authority: `https://login.microsoftonline.us/${TENANT}`,
      knownAuthorities: ['login.microsoftonline.us'],
      graphBaseUrl: 'https://graph.microsoft.us/',
    });
    expect(await configuredGraphConnection(loadConfig({}))).toBeUndefined();
  });

  it('reads the certificate’s private key from its PEM file at start, and names a missing file', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'm365-chatops-cert-'));
    try {
      const path = join(folder, 'app.pem');
      const key = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
      await writeFile(path, `-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n${key}\n`);
      const env = {
        GRAPH_TENANT_ID: TENANT,
        GRAPH_CLIENT_ID: CLIENT,
        GRAPH_CERTIFICATE_PATH: path,
        GRAPH_CERTIFICATE_THUMBPRINT: 'AB:'.repeat(19) + 'AB',
      };
      const connection = await configuredGraphConnection(loadConfig(env));
      expect(connection?.clientCertificate?.thumbprint).toBe('ab'.repeat(20));
      const privateKey = connection?.clientCertificate?.privateKey;
      expect(privateKey).toBeInstanceOf(Secret);
      expect((privateKey as Secret).reveal()).toBe(key);
      await expect(
        configuredGraphConnection(
          loadConfig({ ...env, GRAPH_CERTIFICATE_PATH: join(folder, 'missing.pem') }),
        ),
      ).rejects.toThrow(StartupError);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('gives Teams and Slack their settings only when configured', () => {
    expect(teamsSettings(loadConfig({}))).toEqual({});
    expect(teamsSettings(loadConfig({ ...GRAPH, ...TEAMS, ...ADMIN }))).toMatchObject({ appId: APP });
    expect(slackOptions(loadConfig({}))).toBeUndefined();
    expect(
      slackOptions(
        loadConfig({
          ...GRAPH,
          ...SLACK,
          CHAT_FIRST_ADMINS: 'slack:T1:U1',
          SLACK_API_URL: 'http://127.0.0.1:5/api',
        }),
      ),
    ).toMatchObject({ apiUrl: 'http://127.0.0.1:5/api/' });
  });
});

describe('DEFAULT_LICENSE_SKU', () => {
  it('gives a bind without --license the default licence, and leaves an explicit one alone', async () => {
    const seen: (string | undefined)[] = [];
    const engine = {
      bind: (_emails: readonly string[], options: { licenceSku?: string | undefined }) => {
        seen.push(options.licenceSku);
        return Promise.resolve({});
      },
    } as unknown as Engine;
    const actor = { platform: 'test' as const, id: 't', displayName: 'T' };
    const wrapped = withDefaultLicence(engine, 'SPE_E3');
    await wrapped.bind(['a@contoso.com'], { actor });
    await wrapped.bind(['b@contoso.com'], { actor, licenceSku: 'EMS' });
    expect(seen).toEqual(['SPE_E3', 'EMS']);
    expect(withDefaultLicence(engine, undefined)).toBe(engine);
  });
});
