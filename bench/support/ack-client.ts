/**
 * The platforms' side of the ack benchmark, in a process of its own so that sending 200 requests does not
 * share the bot's event loop: reads one job (JSON) on stdin, sends every Teams activity to /api/messages and
 * every Slack slash command to /slack/events (signed now, as Slack signs), all at once or one after another,
 * and prints one JSON line: each request's status and milliseconds until its complete response.
 */
import { pathToFileURL } from 'node:url';
import { text } from 'node:stream/consumers';
import { z } from 'zod';
import { signature } from '../../sandbox/slack/signed-requests.js';

export const ackJobSchema = z.object({
  botUrl: z.url(),
  mode: z.enum(['burst', 'sequential']),
  /** Bot Framework activities, as Teams delivers them. */
  teams: z.array(z.record(z.string(), z.unknown())),
  /** Slash-command forms (application/x-www-form-urlencoded), signed at send time. */
  slack: z.array(z.string()),
  signingSecret: z.string().min(1),
});
export type AckJob = z.input<typeof ackJobSchema>;

const ackSchema = z.object({ ms: z.number(), status: z.number() });
export type Ack = z.output<typeof ackSchema>;
export const ackResultSchema = z.object({ teams: z.array(ackSchema), slack: z.array(ackSchema) });
export type AckResult = z.output<typeof ackResultSchema>;

async function timed(url: string, init: RequestInit): Promise<Ack> {
  const start = performance.now();
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return { ms: performance.now() - start, status: response.status };
}

function teamsRequest(job: z.output<typeof ackJobSchema>, activity: Record<string, unknown>) {
  return () =>
    timed(`${job.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
}

function slackRequest(job: z.output<typeof ackJobSchema>, form: string) {
  return () => {
    const seconds = Math.floor(Date.now() / 1000);
    return timed(`${job.botUrl}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(seconds),
        'x-slack-signature': signature(job.signingSecret, seconds, form),
      },
      body: form,
    });
  };
}

async function runJob(job: z.output<typeof ackJobSchema>): Promise<AckResult> {
  const teams = job.teams.map((activity) => teamsRequest(job, activity));
  const slack = job.slack.map((form) => slackRequest(job, form));
  if (job.mode === 'burst') {
    const [teamsAcks, slackAcks] = await Promise.all([
      Promise.all(teams.map((send) => send())),
      Promise.all(slack.map((send) => send())),
    ]);
    return { teams: teamsAcks, slack: slackAcks };
  }
  const result: AckResult = { teams: [], slack: [] };
  for (const send of teams) result.teams.push(await send());
  for (const send of slack) result.slack.push(await send());
  return result;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const job = ackJobSchema.parse(JSON.parse(await text(process.stdin)));
  process.stdout.write(`${JSON.stringify(await runJob(job))}\n`);
}
