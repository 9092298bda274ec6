import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { SlackApi } from '../../sandbox/slack/api.js';
import { LOCAL_SLACK_CHANNELS, LOCAL_SLACK_USERS } from '../../sandbox/slack/options.js';
import { createSlackSender } from '../../sandbox/slack/signed-requests.js';
import { sendJson, type Route } from '../http/server.js';
import { LOCAL_SLACK_SIGNING_SECRET } from '../local-mode.js';

/**
 * POST /local/slack — local mode only: Slack's part for `npm run slack-local`. The bot signs a slash command
 * (or a button click on the newest card that has that button) with the local signing secret, sends it to its
 * own /slack/events exactly as Slack would, waits until the work it started is done and answers with what the
 * bot posted to the Slack stand-in meanwhile, as text. Nothing here is reachable outside local mode, which
 * listens on loopback only; it adds no power (the local signing secret is published in the source).
 */

export const LOCAL_SLACK_PATH = '/local/slack';
export const LOCAL_SLACK_DEFAULT_CHANNEL = 'C0ITOPS001';

const requestSchema = z.object({
  text: z.string().max(4000).default(''),
  /** A user id (U0ADMNORA) or a first name or user name (nora, samir.haddad); default the first admin. */
  as: z.string().min(1).default('nora'),
  channel: z.string().min(1).default(LOCAL_SLACK_DEFAULT_CHANNEL),
  /** Click this button (a verb such as approve or cancel) on the newest card in the channel that has it. */
  click: z.string().min(1).optional(),
});

export interface LocalSlackReply {
  kind: 'message' | 'update' | 'ephemeral' | 'response_url';
  channel: string;
  text: string;
}

export interface LocalSlackDeps {
  api: SlackApi;
  /** The bot's own URL (known once it listens). */
  botUrl: () => string;
  /** Resolves when the bot has no work left (the Slack adapter's and the chat core's). */
  idle: () => Promise<void>;
}

function userIdOf(who: string): string | undefined {
  const key = who.toLowerCase();
  return LOCAL_SLACK_USERS.find(
    (user) => user.id === who || user.name === key || user.name.split('.')[0] === key,
  )?.id;
}

/** The readable text of Block Kit blocks: every text object, buttons as [label]. */
export function blocksText(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(blocksText);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  if (record['type'] === 'button') return [`[${blocksText(record['text']).join('')}]`];
  if ((record['type'] === 'mrkdwn' || record['type'] === 'plain_text') && typeof record['text'] === 'string')
    return [record['text']];
  return Object.values(record).flatMap(blocksText);
}

/** Slack escapes &, < and > in message text; its clients show them unescaped, and so does this. */
function unescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function shown(text: string, blocks: unknown[] | undefined): string {
  return unescape(blocks === undefined ? text : blocksText(blocks).join('\n'));
}

export interface BlockButton {
  actionId: string;
  value: string;
}

/** Every button in Block Kit blocks. */
export function buttonsOf(value: unknown): BlockButton[] {
  if (Array.isArray(value)) return value.flatMap(buttonsOf);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const { action_id: actionId, value: data } = record;
  if (record['type'] === 'button' && typeof actionId === 'string')
    return [{ actionId, value: typeof data === 'string' ? data : '' }];
  return Object.values(record).flatMap(buttonsOf);
}

/** The newest message in `channel` (as it reads after its updates) with a button of this verb. */
function findButton(api: SlackApi, channel: string, verb: string) {
  for (const message of [...api.messages(channel)].reverse()) {
    if (message.deleted) continue;
    const latest = api
      .updates(channel)
      .filter((update) => update.ts === message.ts)
      .at(-1);
    const button = buttonsOf(latest?.blocks ?? message.blocks ?? []).find(
      (candidate) => candidate.actionId.split('#')[0] === verb,
    );
    if (button !== undefined) return { ts: message.ts, ...button };
  }
  return undefined;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : (JSON.parse(text) as unknown);
}

function collect(api: SlackApi, before: ReturnType<typeof counts>): LocalSlackReply[] {
  return [
    ...api
      .messages()
      .slice(before.messages)
      .map((m) => ({ kind: 'message' as const, channel: m.channel, text: shown(m.text, m.blocks) })),
    ...api
      .updates()
      .slice(before.updates)
      .map((u) => ({ kind: 'update' as const, channel: u.channel, text: shown(u.text, u.blocks) })),
    ...api
      .ephemerals()
      .slice(before.ephemerals)
      .map((e) => ({ kind: 'ephemeral' as const, channel: e.channel, text: shown(e.text, e.blocks) })),
  ];
}

function counts(api: SlackApi) {
  return {
    messages: api.messages().length,
    updates: api.updates().length,
    ephemerals: api.ephemerals().length,
  };
}

export function localSlackRoute(deps: LocalSlackDeps): Route {
  const { api } = deps;
  return {
    path: LOCAL_SLACK_PATH,
    methods: {
      POST: async (req, res) => {
        const parsed = requestSchema.safeParse(await readJson(req).catch(() => undefined));
        const userId = parsed.success ? userIdOf(parsed.data.as) : undefined;
        if (!parsed.success || userId === undefined) {
          sendJson(res, 400, {
            error: `Send {"text": "help", "as": "nora" | "samir" | …}; people: ${LOCAL_SLACK_USERS.map((u) => u.name).join(', ')}.`,
          });
          return;
        }
        const { text, channel, click } = parsed.data;
        if (!LOCAL_SLACK_CHANNELS.some((known) => known.id === channel) && !channel.startsWith('D')) {
          sendJson(res, 400, {
            error: `Unknown channel ${channel}; try ${LOCAL_SLACK_DEFAULT_CHANNEL} (#it-ops).`,
          });
          return;
        }
        const sender = createSlackSender({
          url: `${deps.botUrl()}/slack/events`,
          signingSecret: LOCAL_SLACK_SIGNING_SECRET,
          api,
        });
        const before = counts(api);
        let status: number;
        if (click === undefined) {
          status = (await sender.slashCommand({ text, userId, channelId: channel })).status;
        } else {
          const button = findButton(api, channel, click);
          if (button === undefined) {
            sendJson(res, 404, { error: `No card in ${channel} has a "${click}" button.` });
            return;
          }
          status = (
            await sender.blockAction({
              userId,
              channelId: channel,
              messageTs: button.ts,
              actionId: button.actionId,
              value: button.value,
            })
          ).status;
        }
        await deps.idle();
        sendJson(res, 200, { status, replies: collect(api, before) });
      },
    },
  };
}
