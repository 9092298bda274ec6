import { spawn } from 'node:child_process';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import type { ChatRoles } from '../../commands/chat/ports.js';
import type { SlackApi } from '../../sandbox/slack/api.js';
import type { ConnectorOptionsInput, TeamsConnector } from '../../sandbox/teams/connector.js';
import { LOCAL_TENANT_ID } from '../../sandbox/teams/playground-users.js';
import { ackResultSchema, type AckJob, type AckResult } from './ack-client.js';

/**
 * The chat side of the ack benchmark: who sends commands, the requests Teams and Slack would send, and the
 * client process (ack-client.ts) that sends them and times each from the moment it was written until the bot's
 * complete HTTP response.
 */

export type TeamsPeople = NonNullable<ConnectorOptionsInput['users']>;

/** `count` Teams users, each of whom talks to the bot in a personal chat of their own. */
export function teamsPeople(count: number): TeamsPeople {
  return Array.from({ length: count }, (_, index) => {
    const number = String(index + 1).padStart(4, '0');
    return {
      id: `29:bench-viewer-${number}`,
      aadObjectId: `0b0c0d0e-0000-4000-8000-00000000${number}`,
      name: `Bench Viewer ${number}`,
      givenName: 'Bench',
      surname: `Viewer ${number}`,
      email: `bench.viewer${number}@contoso.com`,
      userPrincipalName: `bench.viewer${number}@contoso.com`,
    };
  });
}

/** Each of them may read (viewer): `status` is then a real command, not a refusal. */
export async function grantViewers(roles: ChatRoles, people: TeamsPeople, now: Date): Promise<void> {
  for (const person of people) {
    await roles.put({
      platform: 'teams',
      userId: `${LOCAL_TENANT_ID}:${person.aadObjectId.toLowerCase()}`,
      displayName: person.name,
      role: 'viewer',
      grantedBy: { platform: 'teams', id: 'bench', displayName: 'Benchmark' },
      grantedAt: now,
    });
  }
}

/** One personal-chat message per person (text i from person i), addressed through the loopback connector. */
export function teamsActivities(
  connector: TeamsConnector,
  people: TeamsPeople,
  texts: readonly string[],
): Record<string, unknown>[] {
  return people.map((person, index) =>
    connector.inbound.personalMessage(connector.inbound.person(person.id), texts[index] ?? 'help'),
  );
}

/** `/m365 <text>` forms as Slack posts them (each with a response_url the Slack stand-in minted). */
export function slashCommandForms(
  api: SlackApi,
  user: { userId: string; channelId: string },
  texts: readonly string[],
): string[] {
  const { team, bot, users } = api.options;
  const userName = users.find((candidate) => candidate.id === user.userId)?.name ?? user.userId;
  return texts.map((commandText, index) =>
    new URLSearchParams({
      token: 'legacy-verification-token',
      team_id: team.id,
      team_domain: team.domain,
      channel_id: user.channelId,
      user_id: user.userId,
      user_name: userName,
      command: '/m365',
      text: commandText,
      api_app_id: bot.appId,
      is_enterprise_install: 'false',
      response_url: api.responseUrlFor(user.channelId, user.userId),
      trigger_id: `${String(Date.now())}.${String(index)}`,
    }).toString(),
  );
}

const CLIENT = fileURLToPath(new URL('./ack-client.js', import.meta.url));

/** Runs the client process on `job`; its acks. */
export async function sendFromClient(job: AckJob): Promise<AckResult> {
  const child = spawn(process.execPath, [CLIENT], { stdio: ['pipe', 'pipe', 'pipe'] });
  const output = text(child.stdout);
  const errors = text(child.stderr);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.stdin.end(JSON.stringify(job));
  const [stdout, stderr, code] = await Promise.all([output, errors, exited]);
  if (code !== 0) throw new Error(`the ack client failed (exit ${String(code)}): ${stderr.trim()}`);
  return ackResultSchema.parse(JSON.parse(stdout.trim().split('\n').pop() ?? ''));
}

/** Nearest-rank percentile of `values` (0 < p ≤ 100). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}
