/**
 * `npm run slack-local -- [--as nora|samir|…] [--channel C…] [--click VERB] ["command text"]`
 *
 * Talks to a bot running in local mode (`npm start` with no Slack credentials) as Slack would: the bot signs
 * a /m365 slash command (or a click on the newest card's button) with the local signing secret, sends it to
 * its own /slack/events and answers with what it posted to the Slack stand-in meanwhile, printed here as text.
 * The bot's address comes from the same configuration as the bot's (HOST, PORT).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from './config.js';
import { LOCAL_SLACK_PATH } from './composition/local-slack-route.js';

const USAGE = 'npm run slack-local -- [--as nora|samir] [--click approve] "help"';

const answerSchema = z.object({
  status: z.number(),
  replies: z.array(z.object({ kind: z.string(), channel: z.string(), text: z.string() })),
});
const problemSchema = z.object({ error: z.string() });

function botAddress(): string {
  const config = loadConfig(process.env);
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  return `http://${host}:${config.PORT}`;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { as: { type: 'string' }, channel: { type: 'string' }, click: { type: 'string' } },
  });
  const text = positionals.join(' ');
  if (text === '' && values.click === undefined) {
    process.stderr.write(`Say what to send, e.g. ${USAGE}\n`);
    return 2;
  }
  const url = `${botAddress()}${LOCAL_SLACK_PATH}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, as: values.as, channel: values.channel, click: values.click }),
    });
  } catch {
    process.stderr.write(`No bot answers at ${url}: start it first with \`npm start\` (same PORT).\n`);
    return 1;
  }
  const body: unknown = await response.json().catch(() => undefined);
  const answer = answerSchema.safeParse(body);
  if (!answer.success) {
    const problem = problemSchema.safeParse(body);
    const notLocal = problem.success && problem.data.error.startsWith('Nothing is served');
    process.stderr.write(
      notLocal
        ? `The bot at ${url} does not run Slack locally (Slack or Teams credentials are configured).\n`
        : `${problem.success ? problem.data.error : `Unexpected answer (${response.status}).`}\n`,
    );
    return 1;
  }
  if (answer.data.status !== 200)
    process.stderr.write(`Slack's request was answered ${answer.data.status}.\n`);
  if (answer.data.replies.length === 0) process.stdout.write('(the bot posted nothing)\n');
  for (const reply of answer.data.replies) {
    process.stdout.write(`── ${reply.kind} in ${reply.channel} ──\n${reply.text}\n\n`);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
