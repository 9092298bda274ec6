import { pino } from 'pino';
import { createSlackAdapter, type SlackAdapter } from '../../bot/slack/app.js';
import type { SlackAdapterOptionsInput } from '../../bot/slack/options.js';
import { startHttpServer, type HttpServer } from '../../bot/http/server.js';
import { Secret } from '../../bot/secret.js';
import type { CardModelInput } from '../../cards/model.js';
import { parseCardModel } from '../../cards/model.js';
import type {
  ActionRequest,
  ChatOps,
  CommandRequest,
  MessageRef,
  Reply,
  Visibility,
} from '../../commands/chat/types.js';
import { startSlackApi, type SlackApi, type SlackApiOptionsInput } from '../../sandbox/slack/api.js';
import { createSlackSender, type SlackSender } from '../../sandbox/slack/signed-requests.js';

/**
 * The Slack adapter end to end: the loopback Slack Web API stand-in, the real Bolt App mounted on the bot's
 * own HTTP server (bot/http/server.ts) at /slack/events, and Slack's side sending signed requests to it.
 */

export const SIGNING_SECRET = '3d1f0c5b8e2a4f6d9c7b1a0e5f3d2c4b';
export const IT_OPS = 'C0ITOPS001';
export const APPROVALS = 'C0APPROVAL';
export const RANDOM = 'C0RANDOM01';
export const NORA = 'U0ADMNORA';
export const SAMIR = 'U0APRSAMIR';
export const GRACE = 'U0GRACEOK';
export const TEAM = 'T0LOCAL001';

export interface SlackHarness {
  api: SlackApi;
  adapter: SlackAdapter;
  http: HttpServer;
  slack: SlackSender;
  close(): Promise<void>;
}

export async function startSlackHarness(
  chatOps: ChatOps | (() => ChatOps),
  options: { api?: SlackApiOptionsInput; adapter?: Partial<SlackAdapterOptionsInput> } = {},
): Promise<SlackHarness> {
  const api = await startSlackApi(options.api);
  const logger = pino({ level: 'silent' });
  const adapter = await createSlackAdapter(
    {
      signingSecret: new Secret(SIGNING_SECRET),
      botToken: new Secret(api.options.bot.token),
      apiUrl: api.apiUrl,
      botId: api.options.bot.botId,
      botUserId: api.options.bot.userId,
      ...options.adapter,
    },
    { chatOps, logger },
  );
  const http = await startHttpServer(
    { host: '127.0.0.1', port: 0, routes: adapter.route ? [adapter.route] : [] },
    logger,
  );
  const slack = createSlackSender({ url: `${http.url}/slack/events`, signingSecret: SIGNING_SECRET, api });
  return {
    api,
    adapter,
    http,
    slack,
    async close() {
      await http.close(1000);
      await adapter.stop(5000);
      await api.close();
    },
  };
}

export function card(title: string, extra: Partial<CardModelInput> = {}) {
  return parseCardModel({ title, ...extra });
}

export function reply(
  title: string,
  visibility: Visibility = 'conversation',
  extra: Partial<Reply> = {},
): Reply {
  return { card: card(title), visibility, ...extra };
}

/** A gate a test opens by hand: work waiting on it is provably still running. */
export class Gate {
  private open: () => void = () => undefined;
  readonly opened = new Promise<void>((resolve) => {
    this.open = resolve;
  });

  release(): void {
    this.open();
  }
}

type Answer<R> = (request: R) => Reply[] | Promise<Reply[]>;

/** A ChatOps double that records what the adapter asked and answers as the test says. */
export class RecordingChatOps implements ChatOps {
  readonly commands: CommandRequest[] = [];
  readonly actions: ActionRequest[] = [];
  readonly bound: { requestId: string; message: MessageRef }[] = [];
  /** Requests the double has received but not answered yet. */
  running = 0;
  onCommand: Answer<CommandRequest> = (request) => [reply(`You asked: ${request.text}`)];
  onAction: Answer<ActionRequest> = (request) => [reply(`Clicked ${request.verb}`)];

  async handleCommand(request: CommandRequest): Promise<Reply[]> {
    this.commands.push(request);
    this.running += 1;
    try {
      return await this.onCommand(request);
    } finally {
      this.running -= 1;
    }
  }

  async handleAction(request: ActionRequest): Promise<Reply[]> {
    this.actions.push(request);
    this.running += 1;
    try {
      return await this.onAction(request);
    } finally {
      this.running -= 1;
    }
  }

  bindMessage(requestId: string, message: MessageRef): Promise<void> {
    this.bound.push({ requestId, message });
    return Promise.resolve();
  }
}

/** Everything the message's blocks say, as one string (for "the card shows …" assertions). */
export function blockText(blocks: unknown): string {
  return JSON.stringify(blocks ?? []);
}

/** Resolves once `predicate` holds (polled; for state outside the stand-in, such as the double's). */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
