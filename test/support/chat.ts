import type { CardModel } from '../../cards/model.js';
import { createChatOps, type ChatCore, type ChatOpsDeps } from '../../commands/chat/ops.js';
import type { ChatJobs, ChatStores } from '../../commands/chat/ports.js';
import type { ChatSettingsInput } from '../../commands/chat/settings.js';
import type {
  ChatSurface,
  ChatUser,
  ConversationRef,
  MessageRef,
  Platform,
  Reply,
} from '../../commands/chat/types.js';
import type { Clock, M365Gateway } from '../../commands/engine/ports.js';
import { createChatRepositories } from '../../storage/repositories/chat/index.js';
import { capturingLogger, openEngine, type EngineHarness, type EngineHarnessOptions } from './engine.js';

/**
 * The chat core for tests: the real core on the real engine (dev database + in-process sandbox tenant), with
 * the platforms represented by RecordingSurface — a ChatSurface that keeps everything the bot shows. send()
 * and click() play the adapter's part (post the replies, report tracked messages back, apply "replace" replies
 * to the clicked message) and wait until the core's background work is done.
 */

export interface Posted {
  message: MessageRef;
  card: CardModel;
}

export class RecordingSurface implements ChatSurface {
  readonly posts: Posted[] = [];
  readonly updates: Posted[] = [];
  /** Private replies the adapter would show as ephemeral messages (refusals, errors). */
  readonly ephemerals: { user: ChatUser; card: CardModel }[] = [];
  /** postPrivate deliveries (passwords). */
  readonly privates: { user: ChatUser; conversation: ConversationRef; card: CardModel }[] = [];
  readonly files: { conversation: ConversationRef; filename: string; content: string }[] = [];
  failPrivate = false;
  /** A post waits for the promise this returns (a slow platform); none by default. */
  holdPost: (conversation: ConversationRef) => Promise<void> | undefined = () => undefined;
  private next = 1;

  constructor(readonly platform: Platform) {}

  async post(conversation: ConversationRef, card: CardModel): Promise<MessageRef> {
    const message = { conversation, messageId: `${this.platform}-m${this.next++}` };
    await this.holdPost(conversation);
    this.posts.push({ message, card });
    return message;
  }

  update(message: MessageRef, card: CardModel): Promise<void> {
    this.updates.push({ message, card });
    return Promise.resolve();
  }

  postPrivate(user: ChatUser, conversation: ConversationRef, card: CardModel): Promise<void> {
    if (this.failPrivate) return Promise.reject(new Error('the private chat could not be reached'));
    this.privates.push({ user, conversation, card });
    return Promise.resolve();
  }

  uploadFile(conversation: ConversationRef, filename: string, content: string): Promise<void> {
    this.files.push({ conversation, filename, content });
    return Promise.resolve();
  }

  /** The card a message shows now: its last update, else its post. */
  latest(message: MessageRef): CardModel | undefined {
    const updates = this.updates.filter((entry) => entry.message.messageId === message.messageId);
    return (updates.at(-1) ?? this.posts.find((entry) => entry.message.messageId === message.messageId))
      ?.card;
  }

  updatesOf(message: MessageRef): CardModel[] {
    return this.updates.filter((entry) => entry.message.messageId === message.messageId).map((e) => e.card);
  }

  /** Everything shown in conversations (posts, updates, ephemeral replies, files): never a password. */
  shownInConversations(): string {
    return JSON.stringify([this.posts, this.updates, this.ephemerals, this.files]);
  }
}

/** Every job the core asked for, in memory. */
export class RecordingChatJobs implements ChatJobs {
  readonly expiries = new Map<string, Date>();
  readonly digests = new Map<string, { time: string; timeZone: string }>();

  scheduleApprovalExpiry = (requestId: string, at: Date) => {
    this.expiries.set(requestId, at);
    return Promise.resolve();
  };
  cancelApprovalExpiry = (requestId: string) => {
    this.expiries.delete(requestId);
    return Promise.resolve();
  };
  scheduleDigest = (subscriptionId: string, time: string, timeZone: string) => {
    this.digests.set(subscriptionId, { time, timeZone });
    return Promise.resolve();
  };
  cancelDigest = (subscriptionId: string) => {
    this.digests.delete(subscriptionId);
    return Promise.resolve();
  };
}

/** A clock the test moves forward (the chat core's: request expiry, leases, digest days). */
export class TestClock implements Clock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

export function teamsUser(name: string): ChatUser {
  return {
    platform: 'teams',
    id: `tenant-1:aad-${name}`,
    displayName: name.charAt(0).toUpperCase() + name.slice(1),
    platformUserId: `29:${name}`,
  };
}

export const CHANNEL: ConversationRef = { platform: 'teams', id: '19:ops@thread.tacv2', kind: 'channel' };

export const USERS = {
  admin: teamsUser('admin'),
  admin2: teamsUser('admin2'),
  operator: teamsUser('operator'),
  approver: teamsUser('approver'),
  approver2: teamsUser('approver2'),
  viewer: teamsUser('viewer'),
  stranger: teamsUser('stranger'),
};

export interface Sent {
  replies: Reply[];
  /** The first reply the adapter posted in the conversation (the card the core keeps up to date). */
  message: MessageRef | undefined;
}

export interface ChatHarness {
  engine: EngineHarness;
  core: ChatCore;
  stores: ChatStores;
  surface: RecordingSurface;
  jobs: RecordingChatJobs;
  clock: TestClock;
  logger: ReturnType<typeof capturingLogger>;
  send(
    user: ChatUser,
    text: string,
    options?: { conversation?: ConversationRef; mentions?: ChatUser[] },
  ): Promise<Sent>;
  click(user: ChatUser, message: MessageRef, verb: string, data: Record<string, string>): Promise<Reply[]>;
  /** The card `message` shows now. */
  card(message: MessageRef | undefined): CardModel;
  /** Another core on the same database, engine and surface: a restarted process or a second replica. */
  newCore(overrides?: Partial<ChatOpsDeps>): ChatCore;
  close(): Promise<void>;
}

export interface ChatHarnessOptions extends EngineHarnessOptions {
  chat?: ChatSettingsInput;
  /** The chat core's engine talks to Microsoft 365 through this wrapper of the gateway (to hold or fail calls). */
  wrapGateway?: (gateway: M365Gateway) => M365Gateway;
}

/** The adapter's part for replies: post (and bind) conversation replies, keep private ones aside. */
async function deliver(
  harness: Pick<ChatHarness, 'core' | 'surface'>,
  user: ChatUser,
  conversation: ConversationRef,
  replies: Reply[],
  clicked?: MessageRef,
): Promise<MessageRef | undefined> {
  let first: MessageRef | undefined;
  for (const reply of replies) {
    if (reply.visibility === 'private') {
      harness.surface.ephemerals.push({ user, card: reply.card });
    } else if (reply.replaceOriginal === true && clicked !== undefined) {
      await harness.surface.update(clicked, reply.card);
    } else {
      const message = await harness.surface.post(conversation, reply.card);
      first ??= message;
      if (reply.tracking !== undefined) await harness.core.bindMessage(reply.tracking.requestId, message);
    }
  }
  return first;
}

/** The test roles: the configured admin is USERS.admin; everyone else but the stranger gets a grant. */
async function grantTestRoles(stores: ChatStores, clock: Clock): Promise<void> {
  const grants = [
    [USERS.admin2, 'admin'],
    [USERS.operator, 'operator'],
    [USERS.approver, 'approver'],
    [USERS.approver2, 'approver'],
    [USERS.viewer, 'viewer'],
  ] as const;
  for (const [user, role] of grants) {
    await stores.roles.put({
      platform: user.platform,
      userId: user.id,
      displayName: user.displayName,
      role,
      grantedBy: { platform: 'teams', id: USERS.admin.id, displayName: 'Admin' },
      grantedAt: clock.now(),
    });
  }
}

interface ChatParts {
  deps: ChatOpsDeps;
  stores: ChatStores;
  surface: RecordingSurface;
  jobs: RecordingChatJobs;
  clock: TestClock;
  logger: ReturnType<typeof capturingLogger>;
}

function chatParts(engine: EngineHarness, options: ChatHarnessOptions): ChatParts {
  const clock = new TestClock();
  const parts = {
    stores: createChatRepositories(engine.database.db, { clock }),
    surface: new RecordingSurface('teams'),
    jobs: new RecordingChatJobs(),
    clock,
    logger: capturingLogger(),
  };
  const deps: ChatOpsDeps = {
    ...parts,
    engine: options.wrapGateway ? engine.restart(options.wrapGateway(engine.gateway)) : engine.engine,
    directory: engine.repositories,
    audit: engine.repositories.audit,
    surfaces: [parts.surface],
    settings: {
      firstAdmins: [{ platform: 'teams', id: USERS.admin.id }],
      cardUpdateIntervalMs: 100,
      ...options.chat,
    },
  };
  return { ...parts, deps };
}

export async function openChat(testFile: string, options: ChatHarnessOptions = {}): Promise<ChatHarness> {
  const engine = await openEngine(testFile, options);
  const { deps, ...parts } = chatParts(engine, options);
  await grantTestRoles(parts.stores, parts.clock);
  const core = createChatOps(deps);
  const others: ChatCore[] = [];
  const harness: ChatHarness = {
    ...parts,
    engine,
    core,
    async send(user, text, sendOptions = {}) {
      const conversation = sendOptions.conversation ?? CHANNEL;
      const mentions = sendOptions.mentions === undefined ? {} : { mentions: sendOptions.mentions };
      const replies = await core.handleCommand({ user, conversation, text, ...mentions });
      const message = await deliver(harness, user, conversation, replies);
      await core.idle();
      return { replies, message };
    },
    async click(user, message, verb, data) {
      const { conversation } = message;
      const replies = await core.handleAction({ user, conversation, verb, data, message });
      await deliver(harness, user, conversation, replies, message);
      await core.idle();
      return replies;
    },
    card(message) {
      const card = message === undefined ? undefined : harness.surface.latest(message);
      if (card === undefined) throw new Error('no card was shown on that message');
      return card;
    },
    newCore(overrides = {}) {
      const other = createChatOps({ ...deps, engine: engine.restart(), ...overrides });
      others.push(other);
      return other;
    },
    async close() {
      for (const other of others) await other.stop();
      await core.stop();
      await engine.close();
    },
  };
  return harness;
}

/** The opaque request id a card's buttons carry. */
export function requestIdOf(card: CardModel): string {
  const id = card.buttons.find((button) => button.data['request'] !== undefined)?.data['request'];
  if (id === undefined) throw new Error(`the card "${card.title}" has no request button`);
  return id;
}

/** All the text of a card (notes, facts, tables), for "says so" checks. */
export function cardText(card: CardModel): string {
  return [
    card.title,
    card.subtitle ?? '',
    card.status ?? '',
    ...card.facts.map((fact) => `${fact.label}: ${fact.value}`),
    ...card.notes.map((note) => note.text),
    ...card.tables.flatMap((table) => table.rows.map((row) => row.join(' | '))),
  ].join('\n');
}
