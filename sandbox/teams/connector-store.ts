import { EventEmitter } from 'node:events';
import type { ChatClock } from './window-limiter.js';

/** What the loopback Teams connector knows and has seen: conversations, and every activity the bot sent. */

export type ConversationType = 'personal' | 'groupChat' | 'channel';

export interface ConversationRecord {
  /** Base id, without a `;messageid=` thread suffix. */
  id: string;
  type: ConversationType;
  /** MRIs of the people in it (personal: exactly one). */
  memberIds: string[];
  /** False once the app was removed: sends are then refused with 403, as Teams does. */
  botInstalled: boolean;
}

export interface SentActivity {
  id: string;
  /** As addressed (a channel thread keeps its `;messageid=…`). */
  conversationId: string;
  replyToId?: string;
  activity: Record<string, unknown>;
  at: number;
}

export interface ActivityChange {
  id: string;
  conversationId: string;
  /** The new version (updates); absent for deletions. */
  activity?: Record<string, unknown>;
  at: number;
}

export interface Refusal {
  method: string;
  path: string;
  status: number;
  code: string;
  at: number;
  retryAfterSeconds?: number;
}

export function baseConversationId(conversationId: string): string {
  return conversationId.split(';')[0] ?? conversationId;
}

export class ConnectorStore {
  readonly conversations = new Map<string, ConversationRecord>();
  readonly sent: SentActivity[] = [];
  readonly updates: ActivityChange[] = [];
  readonly deletions: ActivityChange[] = [];
  readonly refusals: Refusal[] = [];
  /** Emits 'change' after every recorded event (for waitFor helpers). */
  readonly events = new EventEmitter();
  /** Current version of each activity the bot sent, keyed by base conversation id + activity id. */
  private readonly current = new Map<string, Record<string, unknown>>();
  private nextId = 0;

  constructor(private readonly clock: ChatClock) {}

  /** Teams message ids are epoch-millisecond numbers as text; unique per connector here. */
  newActivityId(): string {
    this.nextId += 1;
    return String(this.clock.now() * 1000 + (this.nextId % 1000));
  }

  addConversation(record: ConversationRecord): ConversationRecord {
    const existing = this.conversations.get(record.id);
    if (existing) return existing;
    this.conversations.set(record.id, record);
    return record;
  }

  conversation(conversationId: string): ConversationRecord | undefined {
    return this.conversations.get(baseConversationId(conversationId));
  }

  recordSent(entry: Omit<SentActivity, 'at'>): SentActivity {
    const sent = { ...entry, at: this.clock.now() };
    this.sent.push(sent);
    this.current.set(this.key(entry.conversationId, entry.id), entry.activity);
    this.changed();
    return sent;
  }

  currentVersion(conversationId: string, id: string): Record<string, unknown> | undefined {
    return this.current.get(this.key(conversationId, id));
  }

  recordUpdate(conversationId: string, id: string, activity: Record<string, unknown>): void {
    this.updates.push({ id, conversationId, activity, at: this.clock.now() });
    this.current.set(this.key(conversationId, id), activity);
    this.changed();
  }

  recordDeletion(conversationId: string, id: string): void {
    this.deletions.push({ id, conversationId, at: this.clock.now() });
    this.current.delete(this.key(conversationId, id));
    this.changed();
  }

  recordRefusal(refusal: Omit<Refusal, 'at'>): void {
    this.refusals.push({ ...refusal, at: this.clock.now() });
    this.changed();
  }

  private key(conversationId: string, id: string): string {
    return `${baseConversationId(conversationId)}\n${id}`;
  }

  private changed(): void {
    this.events.emit('change');
  }
}
