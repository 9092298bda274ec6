import { EventEmitter } from 'node:events';
import type { ChatClock } from '../teams/window-limiter.js';
import type { SlackApiOptions } from './options.js';

/** The loopback Slack workspace's state: channels, what the bot posted, and everything else it did. */

export interface SlackMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  threadTs?: string;
  /** The poster's user id (the bot's for everything the app posts). */
  user: string;
  deleted: boolean;
  /** Set by chat.update / replace_original. */
  editedTs?: string;
}

export interface MessageUpdate {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  via: 'chat.update' | 'response_url';
  /** Set when the replaced message is an ephemeral: only this user saw it, and sees the new version. */
  user?: string;
}

export interface Ephemeral {
  channel: string;
  user: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  via: 'chat.postEphemeral' | 'response_url';
  /** Set by response_url replace_original / delete_original (the only way to change an ephemeral). */
  editedTs?: string;
  deleted?: boolean;
}

export interface ResponseUrlPost {
  url: string;
  channel: string;
  user: string;
  body: unknown;
  status: number;
  error?: string;
}

export interface UploadedFile {
  id: string;
  filename: string;
  length: number;
  title?: string;
  content?: Buffer;
  channels: string[];
  completed: boolean;
}

export interface ApiCall {
  method: string;
  ok: boolean;
  error?: string;
}

export interface SlackChannel {
  id: string;
  name: string;
  members: Set<string>;
  isIm: boolean;
}

export class SlackStore {
  readonly channels = new Map<string, SlackChannel>();
  readonly messages: SlackMessage[] = [];
  readonly updates: MessageUpdate[] = [];
  readonly ephemerals: Ephemeral[] = [];
  readonly responseUrlPosts: ResponseUrlPost[] = [];
  readonly files = new Map<string, UploadedFile>();
  readonly calls: ApiCall[] = [];
  readonly events = new EventEmitter();
  private lastTsMicros = 0;

  constructor(
    readonly options: SlackApiOptions,
    private readonly clock: ChatClock,
  ) {
    for (const channel of options.channels)
      this.channels.set(channel.id, {
        id: channel.id,
        name: channel.name,
        members: new Set(channel.members),
        isIm: false,
      });
  }

  /** Message timestamps: seconds.micros, strictly increasing across the workspace. */
  nextTs(): string {
    this.lastTsMicros = Math.max(this.lastTsMicros + 1, this.clock.now() * 1000);
    const micros = String(this.lastTsMicros);
    return `${micros.slice(0, -6)}.${micros.slice(-6)}`;
  }

  now(): number {
    return this.clock.now();
  }

  user(id: string) {
    return this.options.users.find((user) => user.id === id);
  }

  /** The bot's DM channel with a user (created on first use, like conversations.open). */
  directMessageChannel(userId: string): SlackChannel {
    const id = `D${userId.slice(1)}`;
    const existing = this.channels.get(id);
    if (existing) return existing;
    const channel = { id, name: id, members: new Set([userId, this.options.bot.userId]), isIm: true };
    this.channels.set(id, channel);
    return channel;
  }

  message(channel: string, ts: string): SlackMessage | undefined {
    return this.messages.find(
      (message) => message.channel === channel && message.ts === ts && !message.deleted,
    );
  }

  /** An ephemeral `user` sees in `channel` (not persisted by Slack, but its response_url can still reach it). */
  ephemeral(channel: string, user: string, ts: string): Ephemeral | undefined {
    return this.ephemerals.find(
      (ephemeral) =>
        ephemeral.channel === channel &&
        ephemeral.user === user &&
        ephemeral.ts === ts &&
        ephemeral.deleted !== true,
    );
  }

  record<K extends 'messages' | 'updates' | 'ephemerals' | 'responseUrlPosts' | 'calls'>(
    list: K,
    entry: SlackStore[K][number],
  ): void {
    (this[list] as unknown[]).push(entry);
    this.changed();
  }

  changed(): void {
    this.events.emit('change');
  }
}
