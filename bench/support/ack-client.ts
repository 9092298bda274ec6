/**
 * The platforms' side of the ack benchmark, in a process of its own so that sending 200 requests does not
 * share the bot's event loop: reads one job (JSON) on stdin, sends every Teams activity to /api/messages and
 * every Slack slash command to /slack/events (signed now, as Slack signs), all at once (the two platforms'
 * requests interleaved) or one after another,
 * and prints one JSON line: each request's status and milliseconds from the moment it was fully written to
 * its connection until its complete response — what Slack and Teams time. Timing from the call that sends it
 * instead would add this process's own queueing: against a server that answers at once, a fresh process
 * issuing 200 fetch() calls measured a p99 of about 200 ms before any request reached the server.
 */
import { request } from 'node:http';
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

interface Outgoing {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends one request on a connection of its own (as each platform request arrives) and times it from the
 * moment the request was handed to the connection ('finish') until the response's last byte.
 */
function timed(botUrl: string, outgoing: Outgoing): Promise<Ack> {
  return new Promise((resolve, reject) => {
    let sentAt: number | undefined;
    const sending = request(new URL(outgoing.path, botUrl), {
      method: 'POST',
      agent: false,
      headers: { ...outgoing.headers, 'content-length': String(Buffer.byteLength(outgoing.body)) },
    });
    sending.once('finish', () => (sentAt = performance.now()));
    sending.once('response', (response) => {
      response.resume();
      response.once('end', () => {
        const ms = performance.now() - (sentAt ?? Number.NaN);
        resolve({ ms, status: response.statusCode ?? 0 });
      });
      response.once('error', reject);
    });
    sending.once('error', reject);
    sending.end(outgoing.body);
  });
}

function teamsRequest(activity: Record<string, unknown>): Outgoing {
  return {
    path: '/api/messages',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  };
}

function slackRequest(job: z.output<typeof ackJobSchema>, form: string): Outgoing {
  const seconds = Math.floor(Date.now() / 1000);
  return {
    path: '/slack/events',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(seconds),
      'x-slack-signature': signature(job.signingSecret, seconds, form),
    },
    body: form,
  };
}

async function runJob(job: z.output<typeof ackJobSchema>): Promise<AckResult> {
  // Bodies and signatures are ready before the first request goes (Slack signs each one as it sends it).
  const teams = job.teams.map((activity) => teamsRequest(activity));
  const slack = job.slack.map((form) => slackRequest(job, form));
  const send = (outgoing: Outgoing) => timed(job.botUrl, outgoing);
  if (job.mode === 'burst') {
    // Interleaved (Teams, Slack, Teams, …): both platforms' commands arrive at once, neither one first.
    const teamsAcks: Promise<Ack>[] = [];
    const slackAcks: Promise<Ack>[] = [];
    for (let index = 0; index < Math.max(teams.length, slack.length); index += 1) {
      const [teamsOne, slackOne] = [teams[index], slack[index]];
      if (teamsOne !== undefined) teamsAcks.push(send(teamsOne));
      if (slackOne !== undefined) slackAcks.push(send(slackOne));
    }
    return { teams: await Promise.all(teamsAcks), slack: await Promise.all(slackAcks) };
  }
  const result: AckResult = { teams: [], slack: [] };
  for (const outgoing of teams) result.teams.push(await send(outgoing));
  for (const outgoing of slack) result.slack.push(await send(outgoing));
  return result;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const job = ackJobSchema.parse(JSON.parse(await text(process.stdin)));
  process.stdout.write(`${JSON.stringify(await runJob(job))}\n`);
}
