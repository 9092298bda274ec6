import type { VariableName } from './variables.js';

/**
 * Checks across variables (a credential needs its partner, local endpoints need a loopback address…). They
 * read only which variables are set and a few parsed values, so they run beside the per-variable checks and
 * every problem is reported at once. A check about a variable that is itself malformed is left out: its own
 * problem already names it.
 */

export interface CrossProblem {
  name: VariableName;
  message: string;
}

/** What the checks look at: which variables were given, and the few values they compare. */
export interface CheckInput {
  given: ReadonlySet<VariableName>;
  host: string | undefined;
  approvalSecondAdmin: readonly string[] | undefined;
  approvalSelfConfirm: readonly string[] | undefined;
  approvalsChannelPlatform: 'teams' | 'slack' | undefined;
  firstAdminPlatforms: readonly ('teams' | 'slack')[] | undefined;
}

const GRAPH_CREDENTIALS: readonly VariableName[] = [
  'GRAPH_TENANT_ID',
  'GRAPH_CLIENT_ID',
  'GRAPH_CLIENT_SECRET',
  'GRAPH_CERTIFICATE_PATH',
  'GRAPH_CERTIFICATE_THUMBPRINT',
];

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function graphChecks({ given }: CheckInput): CrossProblem[] {
  const problems: CrossProblem[] = [];
  const has = (name: VariableName) => given.has(name);
  if (has('GRAPH_SANDBOX_CONNECTION')) {
    for (const name of [...GRAPH_CREDENTIALS, 'GRAPH_AUTHORITY_HOST', 'GRAPH_BASE_URL'] as const)
      if (has(name))
        problems.push({
          name,
          message:
            'leave it unset with GRAPH_SANDBOX_CONNECTION, which already says where and how to connect',
        });
    return problems;
  }
  if (!GRAPH_CREDENTIALS.some(has)) return problems;
  const needs = 'the Graph app registration needs GRAPH_TENANT_ID, GRAPH_CLIENT_ID and one credential';
  for (const name of ['GRAPH_TENANT_ID', 'GRAPH_CLIENT_ID'] as const)
    if (!has(name)) problems.push({ name, message: `missing: ${needs}` });
  const certificate = has('GRAPH_CERTIFICATE_PATH') || has('GRAPH_CERTIFICATE_THUMBPRINT');
  if (has('GRAPH_CLIENT_SECRET') && certificate) {
    problems.push({
      name: 'GRAPH_CLIENT_SECRET',
      message: 'give one credential, a client secret or a certificate, not both',
    });
  } else if (!has('GRAPH_CLIENT_SECRET') && !certificate) {
    problems.push({
      name: 'GRAPH_CLIENT_SECRET',
      message: `missing: ${needs} (GRAPH_CLIENT_SECRET, or GRAPH_CERTIFICATE_PATH with GRAPH_CERTIFICATE_THUMBPRINT)`,
    });
  } else if (certificate) {
    for (const name of ['GRAPH_CERTIFICATE_PATH', 'GRAPH_CERTIFICATE_THUMBPRINT'] as const)
      if (!has(name))
        problems.push({
          name,
          message: 'a certificate credential needs both its PEM file and its thumbprint',
        });
  }
  return problems;
}

function teamsChecks({ given }: CheckInput): CrossProblem[] {
  const problems: CrossProblem[] = [];
  if (given.has('MICROSOFT_APP_ID') && !given.has('MICROSOFT_APP_PASSWORD'))
    problems.push({
      name: 'MICROSOFT_APP_PASSWORD',
      message: 'missing: a Teams bot with an app id needs its password',
    });
  if (!given.has('MICROSOFT_APP_ID')) {
    for (const name of ['MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TENANT_ID'] as const)
      if (given.has(name))
        problems.push({ name, message: 'is used only with MICROSOFT_APP_ID, which is missing' });
  }
  return problems;
}

function slackChecks({ given }: CheckInput): CrossProblem[] {
  const problems: CrossProblem[] = [];
  const secret = given.has('SLACK_SIGNING_SECRET');
  const token = given.has('SLACK_BOT_TOKEN');
  if (secret && !token)
    problems.push({
      name: 'SLACK_BOT_TOKEN',
      message: 'missing: the Slack app needs its bot token with the signing secret',
    });
  if (token && !secret)
    problems.push({
      name: 'SLACK_SIGNING_SECRET',
      message: 'missing: the Slack app needs its signing secret with the bot token',
    });
  if (!secret && !token) {
    for (const name of ['SLACK_APP_TOKEN', 'SLACK_API_URL', 'SLACK_BOT_ID', 'SLACK_BOT_USER_ID'] as const)
      if (given.has(name))
        problems.push({
          name,
          message: 'is used only with SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN, which are missing',
        });
  } else if (given.has('SLACK_BOT_ID') !== given.has('SLACK_BOT_USER_ID')) {
    const name = given.has('SLACK_BOT_ID') ? 'SLACK_BOT_USER_ID' : 'SLACK_BOT_ID';
    problems.push({
      name,
      message: 'give SLACK_BOT_ID and SLACK_BOT_USER_ID together, or neither (auth.test finds them)',
    });
  }
  return problems;
}

/** Which platforms the configuration turns on for real (as opposed to local mode's stand-ins). */
export function configuredChat(given: ReadonlySet<VariableName>): { teams: boolean; slack: boolean } {
  return {
    teams: given.has('MICROSOFT_APP_ID'),
    slack: given.has('SLACK_SIGNING_SECRET') || given.has('SLACK_BOT_TOKEN'),
  };
}

function graphConfigured(given: ReadonlySet<VariableName>): boolean {
  return given.has('GRAPH_SANDBOX_CONNECTION') || GRAPH_CREDENTIALS.some((name) => given.has(name));
}

/** How the parts fit: real chat needs real Graph and an admin; local chat stays on loopback. */
function modeChecks(input: CheckInput): CrossProblem[] {
  const problems: CrossProblem[] = [];
  const chat = configuredChat(input.given);
  const anyChat = chat.teams || chat.slack;
  if (anyChat && !graphConfigured(input.given)) {
    problems.push({
      name: 'GRAPH_TENANT_ID',
      message:
        'missing: with Teams or Slack configured the bot needs Microsoft Graph (GRAPH_TENANT_ID, GRAPH_CLIENT_ID and a credential, or GRAPH_SANDBOX_CONNECTION)',
    });
  }
  if (anyChat && input.firstAdminPlatforms !== undefined) {
    const running = input.firstAdminPlatforms.filter((platform) => chat[platform]);
    if (running.length === 0)
      problems.push({
        name: 'CHAT_FIRST_ADMINS',
        message: 'missing: name at least one first admin on a configured platform, or nobody can use the bot',
      });
  }
  if (!anyChat && input.host !== undefined && !isLoopbackHost(input.host)) {
    problems.push({
      name: 'HOST',
      message:
        'without Teams or Slack credentials the bot serves unauthenticated local endpoints, so it listens on loopback only; configure MICROSOFT_APP_ID or SLACK_* first',
    });
  }
  const channel = input.approvalsChannelPlatform;
  if (anyChat && channel !== undefined && !chat[channel])
    problems.push({
      name: 'APPROVALS_CHANNEL',
      message: `names a ${channel} channel, but ${channel} is not configured`,
    });
  return problems;
}

function approvalChecks(input: CheckInput): CrossProblem[] {
  const problems: CrossProblem[] = [];
  const selfConfirm = input.approvalSelfConfirm ?? [];
  for (const name of input.approvalSecondAdmin ?? [])
    if (selfConfirm.includes(name))
      problems.push({
        name: 'APPROVAL_SELF_CONFIRM',
        message: `"${name}" is also listed in APPROVAL_SECOND_ADMIN`,
      });
  if (selfConfirm.includes('disconnect'))
    problems.push({ name: 'APPROVAL_SELF_CONFIRM', message: 'disconnect always needs a second admin' });
  return problems;
}

export function crossChecks(input: CheckInput): CrossProblem[] {
  return [
    ...graphChecks(input),
    ...teamsChecks(input),
    ...slackChecks(input),
    ...modeChecks(input),
    ...approvalChecks(input),
  ];
}
