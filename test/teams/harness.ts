import type { CardModelInput } from '../../cards/model.js';
import { parseCardModel } from '../../cards/model.js';
import type { ActionRequest, ChatOps, CommandRequest, MessageRef, Reply } from '../../commands/chat/types.js';
import { createLogger } from '../../bot/logger.js';
import { startHttpServer, type HttpServer } from '../../bot/http/server.js';
import { createTeamsEndpoint, type TeamsEndpoint, type TeamsRouteOptions } from '../../bot/teams/adapter.js';
import type { TeamsSettingsInput } from '../../bot/teams/settings.js';
import type { RetryPolicy } from '../../bot/teams/retry.js';
import { startTeamsConnector, type TeamsConnector } from '../../sandbox/teams/connector.js';
import type { ConnectorOptionsInput } from '../../sandbox/teams/connector.js';
import type { ChatClock } from '../../sandbox/teams/window-limiter.js';

/**
 * The Teams adapter end to end: the real botbuilder CloudAdapter behind bot/http/server.ts, answering a loopback
 * Bot Connector (sandbox/teams) that records what the bot sent. Activities are POSTed to /api/messages the way
 * Teams delivers them, with `serviceUrl` pointing at the connector.
 */
export interface TeamsHarness {
  connector: TeamsConnector;
  endpoint: TeamsEndpoint;
  http: HttpServer;
  /**
   * POSTs an activity to /api/messages; the HTTP status and body (parsed when JSON), once the turns it started
   * are over (a message is answered before its turn runs, so its replies arrive after the answer).
   */
  deliver(activity: Record<string, unknown>, headers?: Record<string, string>): Promise<Delivered>;
  /** POSTs an activity and returns as soon as the HTTP answer came, whatever still runs after it. */
  post(activity: Record<string, unknown>, headers?: Record<string, string>): Promise<Delivered>;
  close(): Promise<void>;
}

export interface Delivered {
  status: number;
  body: unknown;
}

/** A retry policy that does not wait (tests of what is retried, not of how long). */
export const NO_WAIT_RETRY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 1,
  maxDelayMs: 1,
  random: () => 0.5,
  sleep: () => Promise.resolve(),
};

export async function startTeamsHarness(
  chatOps: ChatOps | ((endpoint: TeamsEndpoint) => ChatOps | Promise<ChatOps>),
  options: {
    settings?: TeamsSettingsInput;
    connector?: ConnectorOptionsInput;
    clock?: ChatClock;
    route?: TeamsRouteOptions;
  } = {},
): Promise<TeamsHarness> {
  const connector = await startTeamsConnector(options.connector ?? {}, options.clock);
  const logger = createLogger({ level: 'silent', format: 'json' });
  const endpoint = createTeamsEndpoint({ settings: options.settings ?? {}, logger, retry: NO_WAIT_RETRY });
  const ops = typeof chatOps === 'function' ? await chatOps(endpoint) : chatOps;
  const http = await startHttpServer(
    { host: '127.0.0.1', port: 0, routes: [endpoint.route(ops, options.route)] },
    logger,
  );
  const post = async (activity: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const response = await fetch(`${http.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(activity),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text === '' ? null : (JSON.parse(text) as unknown);
    } catch {
      // a plain-text answer (botbuilder's 401 says why in text)
    }
    return { status: response.status, body };
  };
  return {
    connector,
    endpoint,
    http,
    post,
    async deliver(activity, headers = {}) {
      const delivered = await post(activity, headers);
      await endpoint.idle();
      return delivered;
    },
    async close() {
      await endpoint.stop(1000);
      await http.close(1000);
      await connector.close();
    },
  };
}

export function card(input: CardModelInput) {
  return parseCardModel(input);
}

/**
 * A ChatOps double that records each request and answers from a script, so the translation (activity →
 * request, reply → Teams) is tested on its own. The real chat core is wired in core.e2e.test.ts.
 */
export class RecordingChatOps implements ChatOps {
  readonly commands: CommandRequest[] = [];
  readonly actions: ActionRequest[] = [];
  readonly bound: { requestId: string; message: MessageRef }[] = [];
  onCommand: (request: CommandRequest) => Reply[] | Promise<Reply[]> = (request) => [
    { card: card({ title: `You said: ${request.text}` }), visibility: 'conversation' },
  ];
  onAction: (request: ActionRequest) => Reply[] | Promise<Reply[]> = (request) => [
    { card: card({ title: `Clicked ${request.verb}` }), visibility: 'conversation', replaceOriginal: true },
  ];

  async handleCommand(request: CommandRequest): Promise<Reply[]> {
    this.commands.push(request);
    return this.onCommand(request);
  }

  async handleAction(request: ActionRequest): Promise<Reply[]> {
    this.actions.push(request);
    return this.onAction(request);
  }

  bindMessage(requestId: string, message: MessageRef): Promise<void> {
    this.bound.push({ requestId, message });
    return Promise.resolve();
  }
}

/** The Adaptive Card of a sent or updated activity (its first attachment). */
export function cardOf(activity: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const attachments = activity?.attachments;
  if (!Array.isArray(attachments)) return undefined;
  const first = attachments[0] as { contentType?: string; content?: Record<string, unknown> } | undefined;
  return first?.contentType === 'application/vnd.microsoft.card.adaptive' ? first.content : undefined;
}

/** Every TextBlock / TextRun text in a card, for "the card says …" assertions. */
export function cardText(value: unknown): string {
  if (Array.isArray(value)) return value.map(cardText).join('\n');
  if (typeof value !== 'object' || value === null) return '';
  const record = value as Record<string, unknown>;
  const own = typeof record.text === 'string' ? record.text : '';
  const title = typeof record.title === 'string' ? record.title : '';
  const nested = Object.entries(record)
    .filter(([key]) => key !== 'text' && key !== 'title')
    .map(([, child]) => cardText(child));
  return [own, title, ...nested].filter((text) => text !== '').join('\n');
}
