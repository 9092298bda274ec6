import { FIRST_ADMIN } from '../../sandbox/teams/playground-users.js';
import { LOCAL_SLACK_USERS } from '../../sandbox/slack/options.js';
import type { LocalServices } from '../local-mode.js';
import { LOCAL_NEW_HIRE_EMAILS } from '../local-mode.js';
import type { Modes } from './modes.js';

/**
 * The lines `npm start` prints after "running at": what runs where (real or local stand-in) and, for whatever
 * runs locally, how to talk to it.
 */

export interface Described {
  url: string;
  port: number;
  modes: Modes;
  local: LocalServices;
  graphBaseUrl: string;
}

function partLines({ modes, local, graphBaseUrl, url }: Described): string[] {
  const graph = {
    local: `Microsoft 365: LOCAL sandbox tenant with the demo company at ${local.sandbox?.baseUrl ?? '?'} (in memory: fresh at every start)`,
    'sandbox-connection': `Microsoft 365: the sandbox from GRAPH_SANDBOX_CONNECTION at ${graphBaseUrl}`,
    configured: `Microsoft 365: Microsoft Graph at ${graphBaseUrl}`,
  }[modes.graph];
  const teams = {
    local: `Teams: LOCAL, unauthenticated endpoint POST ${url}/api/messages (for the Agents Playground)`,
    configured: `Teams: POST ${url}/api/messages, authenticated for MICROSOFT_APP_ID`,
    off: 'Teams: off (MICROSOFT_APP_ID is not set)',
  }[modes.teams];
  const slack = {
    local: `Slack: LOCAL Slack API stand-in at ${local.slackApi?.apiUrl ?? '?'}; events at POST ${url}/slack/events`,
    configured: `Slack: POST ${url}/slack/events (or Socket Mode with SLACK_APP_TOKEN)`,
    off: 'Slack: off (SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are not set)',
  }[modes.slack];
  return [`  ${graph}`, `  ${teams}`, `  ${slack}`];
}

function talkLines({ modes, port }: Described): string[] {
  const lines: string[] = [];
  const nora = LOCAL_SLACK_USERS[0];
  const samir = LOCAL_SLACK_USERS[1];
  // The Playground and slack-local find the bot through PORT, as the bot does.
  const env = port === 3978 ? '' : `PORT=${port} `;
  if (modes.teams === 'local') {
    lines.push(
      `Teams: in another terminal run \`${env}npm run playground\` and open the URL it prints; you are ${FIRST_ADMIN.name} (first admin).`,
    );
  }
  if (modes.slack === 'local') {
    lines.push(
      `Slack: \`${env}npm run slack-local -- "help"\` sends /m365 help as ${nora.realName} (first admin) in #it-ops and prints the replies; \`--click approve\` presses Confirm/Approve on the newest card.`,
      `Four eyes: unbind needs a second admin here. Ask for it in Teams or Slack, then approve as ${samir.realName} (approver) in Slack's #approvals: \`${env}npm run slack-local -- --as samir --channel C0APPROVAL --click approve\`.`,
    );
  }
  if (lines.length > 0 && modes.graph === 'local')
    lines.push(
      `Try: import-preview · status liam.o'brien@contoso.com · bind ${LOCAL_NEW_HIRE_EMAILS[0] ?? ''} (a new hire in the directory)`,
    );
  return lines;
}

export function describeRunning(described: Described): string[] {
  const { modes } = described;
  const localParts = [modes.graph === 'local', modes.teams === 'local', modes.slack === 'local'].filter(
    Boolean,
  );
  const heading =
    localParts.length === 3
      ? 'Local mode: no Microsoft 365, Teams or Slack credentials are configured, so all three are stand-ins on this machine:'
      : localParts.length > 0
        ? 'Partly local: what is configured is real, the rest runs as a stand-in on this machine:'
        : 'Connected to the configured services:';
  return [heading, ...partLines(described), ...talkLines(described)];
}
