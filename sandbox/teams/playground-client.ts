import { z } from 'zod';
import { waitUntil } from './loopback-http.js';
import { openTextStream } from './ws-text-stream.js';
import type { TextStream } from './ws-text-stream.js';

/**
 * A client for Microsoft 365 Agents Playground's own conversation API, the one its web UI uses (found in the
 * package's bundled server, @microsoft/m365agentsplayground 0.2.28, dist/index.js):
 * - GET  /_internal/v1/testConfig: the mock tenant (users, personal chat, group chats, teams and channel ids);
 * - POST /_conversation/v1/conversations/{conversationId}/messages with {from:{id}, text, textFormat}: a user
 *   types a message; the Playground sends it to the bot (personal chat, or when the bot is @mentioned);
 * - POST /_conversation/v1/invoke with {name:'adaptiveCard/action', value, from, conversation, replyToId}: a
 *   user clicks an Action.Execute button;
 * - WebSocket /_ws_conversation/v1/conversations/stream: what the UI shows, as {action:'createMessage' |
 *   'updateMessage', actionConversationId, message}; messages are buffered until a client connects.
 * What the bot sends reaches the Playground's connector (/_connector/v3/…) and comes out of that stream.
 */
const accountSchema = z.object({ id: z.string(), name: z.string(), aadObjectId: z.string() }).loose();

const testConfigSchema = z.object({
  config: z.object({
    tenantId: z.string(),
    bot: z.object({ id: z.string(), name: z.string() }),
    currentUser: accountSchema,
    users: z.array(accountSchema),
    personalChat: z.object({ id: z.string() }),
    groupChats: z.array(z.object({ id: z.string(), name: z.string() })),
    teams: z.array(
      z.object({ id: z.string(), channels: z.array(z.object({ id: z.string(), name: z.string() })) }),
    ),
  }),
});
export type PlaygroundConfig = z.output<typeof testConfigSchema>['config'];

const actionSchema = z
  .object({
    action: z.string(),
    actionConversationId: z.string().optional(),
    message: z
      .object({
        messageId: z.string(),
        from: z.object({ id: z.string() }),
        text: z.string().optional(),
        attachments: z.array(z.object({ contentType: z.string(), content: z.unknown() })).optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
export type PlaygroundAction = z.output<typeof actionSchema>;

export interface PlaygroundStream {
  /** Every conversation action shown so far, in order. */
  readonly actions: PlaygroundAction[];
  waitFor(predicate: (action: PlaygroundAction) => boolean, timeoutMs?: number): Promise<PlaygroundAction>;
  close(): void;
}

export class PlaygroundClient {
  /** `baseUrl`: `http://127.0.0.1:P` where the Playground listens. */
  constructor(readonly baseUrl: string) {}

  async config(): Promise<PlaygroundConfig> {
    const response = await fetch(`${this.baseUrl}/_internal/v1/testConfig`);
    return testConfigSchema.parse(await this.json(response)).config;
  }

  /** A user types `text` in a conversation; resolves with the Playground's message id. */
  async sendMessage(conversationId: string, fromUserId: string, text: string): Promise<string> {
    const response = await fetch(
      `${this.baseUrl}/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: { id: fromUserId }, text, textFormat: 'plain' }),
      },
    );
    return z.object({ messageId: z.string() }).parse(await this.json(response)).messageId;
  }

  /** A user clicks an Action.Execute button of the card in message `replyToId`; resolves with the bot's answer. */
  async executeCardAction(input: {
    conversationId: string;
    fromUserId: string;
    replyToId: string;
    verb: string;
    data?: Record<string, unknown>;
  }): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}/_conversation/v1/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'adaptiveCard/action',
        value: {
          action: { type: 'Action.Execute', verb: input.verb, data: input.data ?? {} },
          trigger: 'manual',
        },
        from: { id: input.fromUserId },
        conversation: { id: input.conversationId },
        replyToId: input.replyToId,
      }),
    });
    return this.json(response);
  }

  async openStream(): Promise<PlaygroundStream> {
    const socket: TextStream = await openTextStream(
      `${this.baseUrl.replace(/^http/, 'ws')}/_ws_conversation/v1/conversations/stream`,
    );
    const actions: PlaygroundAction[] = [];
    const listeners = new Set<() => void>();
    socket.onText((text) => {
      const parsed = actionSchema.safeParse(JSON.parse(text));
      if (parsed.success) actions.push(parsed.data);
      for (const listener of listeners) listener();
    });
    const subscribe = (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    };
    return {
      actions,
      async waitFor(predicate, timeoutMs = 10_000) {
        await waitUntil(
          subscribe,
          () => actions.some(predicate),
          timeoutMs,
          'a Playground conversation action',
        );
        return actions.find(predicate) as PlaygroundAction;
      },
      close: () => {
        socket.close();
      },
    };
  }

  private async json(response: Response): Promise<unknown> {
    const text = await response.text();
    if (!response.ok) throw new Error(`Playground answered HTTP ${response.status}: ${text}`);
    return text === '' ? null : (JSON.parse(text) as unknown);
  }
}
