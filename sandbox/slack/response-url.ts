import { randomBytes } from 'node:crypto';
import { parseBlocks, SlackError } from './blocks.js';
import type { Ephemeral, SlackMessage, SlackStore } from './store.js';

/**
 * response_url (chat-platforms §1.2): at most 5 uses within 30 minutes; `response_type` ephemeral (default) or
 * in_channel; for interactions also `replace_original` / `delete_original`, which reach an ephemeral message
 * too (the only way to change one). What Slack answers past the limits
 * is not published in detail; this stand-in answers 404 with `used_url` (sixth use) or `expired_url` (after 30
 * minutes) [unconfirmed], and Bolt's respond() throws on either.
 */
export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_LIFETIME_MS = 30 * 60 * 1000;

interface Grant {
  channel: string;
  user: string;
  /**
   * The message the interaction came from (block_actions), for replace_original / delete_original: a channel
   * message, or an ephemeral shown to `user`.
   */
  messageTs?: string;
  issuedAt: number;
  uses: number;
}

export interface ResponseUrlOptions {
  messageTs?: string;
}

export interface ResponseOutcome {
  status: number;
  body: Record<string, unknown>;
}

export class ResponseUrls {
  private readonly grants = new Map<string, Grant>();

  constructor(
    private readonly store: SlackStore,
    /** The API's base URL, known once its server listens. */
    private readonly baseUrl: () => string,
  ) {}

  mint(channel: string, user: string, options: ResponseUrlOptions = {}): string {
    const token = randomBytes(12).toString('hex');
    this.grants.set(token, { channel, user, ...options, issuedAt: this.store.now(), uses: 0 });
    return `${this.baseUrl()}response/${token}`;
  }

  handle(token: string, url: string, body: unknown): ResponseOutcome {
    const grant = this.grants.get(token);
    const outcome = grant
      ? this.apply(grant, body)
      : { status: 404, body: { ok: false, error: 'no_such_url' } };
    this.store.record('responseUrlPosts', {
      url,
      channel: grant?.channel ?? '',
      user: grant?.user ?? '',
      body,
      status: outcome.status,
      ...(outcome.body.ok === false ? { error: String(outcome.body.error) } : {}),
    });
    return outcome;
  }

  private apply(grant: Grant, body: unknown): ResponseOutcome {
    if (this.store.now() - grant.issuedAt > RESPONSE_URL_LIFETIME_MS)
      return { status: 404, body: { ok: false, error: 'expired_url' } };
    if (grant.uses >= RESPONSE_URL_MAX_USES) return { status: 404, body: { ok: false, error: 'used_url' } };
    grant.uses += 1;
    try {
      this.deliver(grant, typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {});
      return { status: 200, body: { ok: true } };
    } catch (error) {
      if (error instanceof SlackError) return { status: 400, body: { ok: false, error: error.error } };
      throw error;
    }
  }

  /**
   * The message the interaction came from: a channel message, or an ephemeral the clicking user saw. Slack
   * lets a response_url replace or delete an ephemeral (chat.update and chat.delete cannot reach one).
   */
  private original(grant: Grant): SlackMessage | Ephemeral | undefined {
    if (grant.messageTs === undefined) return undefined;
    return (
      this.store.message(grant.channel, grant.messageTs) ??
      this.store.ephemeral(grant.channel, grant.user, grant.messageTs)
    );
  }

  private deliver(grant: Grant, body: Record<string, unknown>): void {
    const { store } = this;
    const original = this.original(grant);
    if (body.delete_original === true) {
      if (!original) throw new SlackError('message_not_found');
      original.deleted = true;
      store.changed();
      return;
    }
    const blocks = parseBlocks(body.blocks);
    const text = typeof body.text === 'string' ? body.text : undefined;
    if (text === undefined && !blocks) throw new SlackError('no_text');
    const content = { text: text ?? '', ...(blocks ? { blocks } : {}) };
    if (body.replace_original === true) {
      if (!original) throw new SlackError('message_not_found');
      this.replace(original, content);
    } else if (body.response_type === 'in_channel') {
      const message = {
        channel: grant.channel,
        ts: store.nextTs(),
        ...content,
        user: store.options.bot.userId,
        deleted: false,
      };
      store.record('messages', message);
    } else {
      store.record('ephemerals', {
        channel: grant.channel,
        user: grant.user,
        ts: store.nextTs(),
        ...content,
        via: 'response_url',
      });
    }
  }

  /** replace_original: the message changes in place (an ephemeral stays one, seen by its user only). */
  private replace(original: SlackMessage | Ephemeral, content: { text: string; blocks?: unknown[] }): void {
    Object.assign(original, content, { editedTs: this.store.nextTs() });
    if (!content.blocks) delete original.blocks;
    const ephemeralUser = 'via' in original ? { user: original.user } : {};
    this.store.record('updates', {
      channel: original.channel,
      ts: original.ts,
      ...content,
      via: 'response_url',
      ...ephemeralUser,
    });
  }
}
