import type { Config } from '../config.js';

/**
 * What runs for real and what runs as a local stand-in, decided from the configuration alone:
 *
 * - Microsoft 365: the configured Graph (GRAPH_* credentials, or GRAPH_SANDBOX_CONNECTION for a sandbox
 *   started with `npm run sandbox`); with neither, the sandbox tenant in this process, seeded with the demo
 *   company.
 * - Chat: with MICROSOFT_APP_ID and/or the Slack app configured, exactly those platforms run, authenticated;
 *   an unconfigured platform is off (never an unauthenticated stand-in beside a real one). With neither
 *   configured, both run locally: the Teams endpoint without authentication (for the Agents Playground) and
 *   Slack against the loopback Slack API stand-in.
 *
 * The configuration's own checks (bot/config/checks.ts) refuse the combinations that make no sense: real
 * chat without Microsoft Graph, or local chat on a non-loopback HOST.
 */
export interface Modes {
  graph: 'configured' | 'sandbox-connection' | 'local';
  teams: 'configured' | 'local' | 'off';
  slack: 'configured' | 'local' | 'off';
}

export function resolveModes(config: Config): Modes {
  const teamsConfigured = config.MICROSOFT_APP_ID !== undefined;
  const slackConfigured = config.SLACK_BOT_TOKEN !== undefined;
  const localChat = !teamsConfigured && !slackConfigured;
  const graph =
    config.GRAPH_SANDBOX_CONNECTION !== undefined
      ? 'sandbox-connection'
      : config.GRAPH_TENANT_ID !== undefined
        ? 'configured'
        : 'local';
  return {
    graph,
    teams: teamsConfigured ? 'configured' : localChat ? 'local' : 'off',
    slack: slackConfigured ? 'configured' : localChat ? 'local' : 'off',
  };
}

/** Local mode proper: nothing configured, everything on this machine. */
export function isFullyLocal(modes: Modes): boolean {
  return modes.graph === 'local' && modes.teams === 'local' && modes.slack === 'local';
}
