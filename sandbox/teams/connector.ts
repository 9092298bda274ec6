import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { createAuthCheck } from './connector-auth.js';
import { connectorOptionsSchema } from './connector-options.js';
import type { ConnectorOptions, ConnectorOptionsInput, ConnectorPerson } from './connector-options.js';
import { createConnectorHandler } from './connector-handler.js';
import { baseConversationId, ConnectorStore } from './connector-store.js';
import type { ActivityChange, ConversationRecord, Refusal, SentActivity } from './connector-store.js';
import { InboundActivities } from './inbound.js';
import { closeServer, listenOnLoopback, sendJson, waitUntil } from './loopback-http.js';
import { realClock } from './window-limiter.js';
import type { ChatClock } from './window-limiter.js';

export type { ActivityChange, ConversationRecord, Refusal, SentActivity } from './connector-store.js';
export type { ConnectorOptionsInput, ConnectorPerson } from './connector-options.js';
export type { InboundActivity } from './inbound.js';

/**
 * A loopback stand-in for the Teams Bot Connector (the service behind `serviceUrl`), as strict as Teams:
 * 40 KB messages (413), per-conversation rate limits (429 + Retry-After), Adaptive Cards ≤ 1.5 and known
 * attachment types only (400), bearer tokens when an app id is configured (401). botbuilder's ConnectorClient
 * talks to it when inbound activities carry `serviceUrl: connector.serviceUrl` — build them with `inbound`.
 */
export interface TeamsConnector {
  /** `http://127.0.0.1:P/`: the serviceUrl of every inbound activity. */
  readonly serviceUrl: string;
  readonly port: number;
  readonly options: ConnectorOptions;
  readonly inbound: InboundActivities;
  /** Activities the bot sent, in order; a conversation id without `;messageid=` includes its threads. */
  sent(conversationId?: string): SentActivity[];
  updates(conversationId?: string): ActivityChange[];
  deletions(conversationId?: string): ActivityChange[];
  /** Every refused call (status, code, Retry-After), in order. */
  refusals(): Refusal[];
  /** The activity as it stands now (after updates); undefined once deleted or never sent. */
  currentVersion(conversationId: string, activityId: string): Record<string, unknown> | undefined;
  /** Resolves with the first sent activity (past or future) matching `predicate`. */
  waitForSent(predicate: (sent: SentActivity) => boolean, timeoutMs?: number): Promise<SentActivity>;
  conversation(conversationId: string): ConversationRecord | undefined;
  /** The person's 1:1 conversation with the bot (registered on first use). */
  personalConversation(person: ConnectorPerson): ConversationRecord;
  /** The app was removed from this conversation: later sends get 403, as in Teams. */
  removeBot(conversationId: string): void;
  close(): Promise<void>;
}

function matches(filter: string | undefined, conversationId: string): boolean {
  if (filter === undefined) return true;
  return filter.includes(';') ? filter === conversationId : baseConversationId(conversationId) === filter;
}

function registerStandingConversations(store: ConnectorStore, options: ConnectorOptions): void {
  const everyone = options.users.map((user) => user.id);
  for (const channel of [{ id: options.team.id }, ...options.team.channels])
    store.addConversation({ id: channel.id, type: 'channel', memberIds: everyone, botInstalled: true });
  store.addConversation({
    id: options.groupChat.id,
    type: 'groupChat',
    memberIds: everyone,
    botInstalled: true,
  });
}

export async function startTeamsConnector(
  input: ConnectorOptionsInput = {},
  clock: ChatClock = realClock,
): Promise<TeamsConnector> {
  const options = connectorOptionsSchema.parse(input);
  const store = new ConnectorStore(clock);
  registerStandingConversations(store, options);
  const personalConversation = (person: ConnectorPerson): ConversationRecord => {
    const digest = createHash('sha256').update(person.id).digest('hex').slice(0, 32);
    return store.addConversation({
      id: `a:1${digest}`,
      type: 'personal',
      memberIds: [person.id],
      botInstalled: true,
    });
  };
  const handler = createConnectorHandler(
    { options, store, checkAuth: createAuthCheck(options.auth), personalConversation },
    clock,
  );
  const server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'ServiceError', message: String(error) } });
    });
  });
  const port = await listenOnLoopback(server, options.port);
  const serviceUrl = `http://127.0.0.1:${port}/`;
  const subscribe = (listener: () => void) => {
    store.events.on('change', listener);
    return () => store.events.off('change', listener);
  };

  return {
    serviceUrl,
    port,
    options,
    inbound: new InboundActivities(options, store, serviceUrl, personalConversation, clock),
    sent: (conversationId) => store.sent.filter((entry) => matches(conversationId, entry.conversationId)),
    updates: (conversationId) =>
      store.updates.filter((entry) => matches(conversationId, entry.conversationId)),
    deletions: (conversationId) =>
      store.deletions.filter((entry) => matches(conversationId, entry.conversationId)),
    refusals: () => [...store.refusals],
    currentVersion: (conversationId, activityId) => store.currentVersion(conversationId, activityId),
    async waitForSent(predicate, timeoutMs = 5_000) {
      await waitUntil(
        subscribe,
        () => store.sent.some(predicate),
        timeoutMs,
        'an activity sent to the connector',
      );
      return store.sent.find(predicate) as SentActivity;
    },
    conversation: (conversationId) => store.conversation(conversationId),
    personalConversation,
    removeBot(conversationId) {
      const record = store.conversation(conversationId);
      if (!record) throw new Error(`unknown conversation ${conversationId}`);
      record.botInstalled = false;
    },
    close: () => closeServer(server),
  };
}
