/**
 * The platforms' side of the ack benchmark, in a process of its own so that sending 200 requests does not
 * share the bot's event loop: reads one job (JSON) on stdin, sends every Teams activity to /api/messages and
 * every Slack slash command to /slack/events (signed now, as Slack signs), all at once (the two platforms'
 * requests interleaved) or one after another, each on a connection of its own, and prints one JSON line: each
 * request's status and milliseconds from the moment it was fully written to its connection until its complete
 * response — what Slack and Teams time. Timing from the call that sends it instead would add this process's own
 * queueing: against a server that answers at once, a fresh process issuing 200 fetch() calls measured a p99 of
 * about 200 ms before any request reached the server.
 *
 * The requests are written on plain TCP sockets (the same bytes node:http sends: request line, the headers,
 * Host, Connection: close, the body) and the response is read as far as its end (Content-Length, chunked, or
 * the connection closing). On this machine the client shares two cores with the bot: node:http's client
 * costs ~65 ms of CPU per 200 requests, this one ~34, so it takes less CPU away from the bot it measures and
 * stamps each response sooner after it arrived.
 */
import { connect } from 'node:net';
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

/** The request's bytes, as node:http writes them for agent: false (one connection, closed after the answer). */
function requestBytes(url: URL, outgoing: Outgoing): Buffer {
  const body = Buffer.from(outgoing.body);
  const headers = { ...outgoing.headers, 'content-length': String(body.length) };
  const lines = [`POST ${outgoing.path} HTTP/1.1`, `Host: ${url.host}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push('Connection: close', '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]);
}

/** Reads one HTTP/1.1 response as it arrives; `complete` once its last byte is in. */
export class ResponseReader {
  private received = Buffer.alloc(0);
  status = 0;
  private bodyStart = -1;
  private contentLength: number | undefined;
  private chunked = false;

  add(chunk: Buffer): void {
    this.received = Buffer.concat([this.received, chunk]);
    if (this.bodyStart >= 0) return;
    const end = this.received.indexOf('\r\n\r\n');
    if (end < 0) return;
    this.bodyStart = end + 4;
    const [statusLine = '', ...headerLines] = this.received.subarray(0, end).toString('latin1').split('\r\n');
    this.status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
    for (const line of headerLines) {
      const [name = '', value = ''] = line.split(/:\s*/, 2);
      if (/^content-length$/i.test(name)) this.contentLength = Number(value);
      if (/^transfer-encoding$/i.test(name) && /chunked/i.test(value)) this.chunked = true;
    }
  }

  /** The body is in (by Content-Length or the last chunk); without either, only the connection's end says so. */
  get complete(): boolean {
    if (this.bodyStart < 0) return false;
    const body = this.received.subarray(this.bodyStart);
    if (this.contentLength !== undefined) return body.length >= this.contentLength;
    return this.chunked && body.subarray(-5).toString('latin1') === '0\r\n\r\n';
  }
}

/**
 * Sends one request on a connection of its own (as each platform request arrives) and times it from the
 * moment the request was handed to the connection (its write done) until the response's last byte.
 */
function timed(url: URL, outgoing: Outgoing): Promise<Ack> {
  return new Promise((resolve, reject) => {
    let sentAt: number | undefined;
    let settled = false;
    const reader = new ResponseReader();
    const socket = connect(Number(url.port), url.hostname);
    const finish = () => {
      if (settled) return;
      settled = true;
      const ms = performance.now() - (sentAt ?? Number.NaN);
      socket.destroy();
      resolve({ ms, status: reader.status });
    };
    socket.once('connect', () => {
      socket.write(requestBytes(url, outgoing), () => (sentAt = performance.now()));
    });
    socket.on('data', (chunk: Buffer) => {
      reader.add(chunk);
      if (reader.complete) finish();
    });
    socket.once('end', finish);
    socket.once('error', (error) => {
      if (!settled) reject(error);
    });
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
  const url = new URL(job.botUrl);
  const send = (outgoing: Outgoing) => timed(url, outgoing);
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
