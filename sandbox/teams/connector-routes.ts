import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { activityRefusal } from './activity-rules.js';
import type { ConnectorOptions, ConnectorPerson } from './connector-options.js';
import type { ConnectorStore, ConversationRecord } from './connector-store.js';
import { BodyTooLargeError, readBody, sendJson } from './loopback-http.js';
import { retryAfterSeconds, SlidingWindowLimiter } from './window-limiter.js';
import type { ChatClock } from './window-limiter.js';

/** Per bot per conversation (chat-platforms §2.7): sends, updates, deletes and creates. */
const SEND_RULES = [
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1800, windowMs: 3_600_000 },
];
/** Roster reads get twice the send limits. */
const READ_RULES = SEND_RULES.map((rule) => ({ ...rule, limit: rule.limit * 2 }));
const MAX_BODY_BYTES = 1024 * 1024;

export interface ConnectorContext {
  options: ConnectorOptions;
  store: ConnectorStore;
  checkAuth: (authorization: string | undefined) => Promise<string | null>;
  /** The personal conversation of a person (created on first use). */
  personalConversation(person: ConnectorPerson): ConversationRecord;
}

/** A refusal as the Bot Connector words it: HTTP status, `{error: {code, message}}`, maybe Retry-After. */
export class ConnectorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }

  static from(error: unknown): ConnectorError {
    if (error instanceof ConnectorError) return error;
    if (error instanceof BodyTooLargeError)
      return new ConnectorError(413, 'MessageSizeTooBig', 'Message size too big.');
    return new ConnectorError(500, 'ServiceError', error instanceof Error ? error.message : 'internal error');
  }
}

export function limitOrThrow(limiter: SlidingWindowLimiter, key: string): void {
  const result = limiter.take(key);
  if (!result.allowed)
    throw new ConnectorError(
      429,
      'TooManyRequests',
      'Too many requests.',
      retryAfterSeconds(result.retryAfterMs),
    );
}

const createConversationSchema = z.object({
  isGroup: z.boolean().optional(),
  members: z.array(z.object({ id: z.string().min(1) })).min(1),
  tenantId: z.string().optional(),
  channelData: z
    .object({ tenant: z.object({ id: z.string() }).optional() })
    .loose()
    .optional(),
  activity: z.record(z.string(), z.unknown()).optional(),
});

export type Handler = (req: IncomingMessage, res: ServerResponse, params: string[]) => Promise<void> | void;

/** The connector's operations (botframework-connector's conversations API), one method per route. */
export class ConnectorRoutes {
  private readonly sendLimiter: SlidingWindowLimiter;
  private readonly readLimiter: SlidingWindowLimiter;

  constructor(
    private readonly context: ConnectorContext,
    clock: ChatClock,
  ) {
    this.sendLimiter = new SlidingWindowLimiter(SEND_RULES, clock);
    this.readLimiter = new SlidingWindowLimiter(READ_RULES, clock);
  }

  readonly send: Handler = async (req, res, [conversationId = '', replyToId]) => {
    const conversation = this.conversationFor(conversationId, true);
    limitOrThrow(this.sendLimiter, conversation.id);
    const activity = await this.activityBody(req);
    const id = this.context.store.newActivityId();
    this.context.store.recordSent({
      id,
      conversationId,
      ...(replyToId ? { replyToId } : {}),
      activity: { ...activity, id },
    });
    sendJson(res, 201, { id });
  };

  readonly update: Handler = async (req, res, [conversationId = '', activityId = '']) => {
    const conversation = this.conversationFor(conversationId, true);
    limitOrThrow(this.sendLimiter, conversation.id);
    const activity = await this.activityBody(req);
    this.existingActivity(conversationId, activityId);
    this.context.store.recordUpdate(conversationId, activityId, { ...activity, id: activityId });
    sendJson(res, 200, { id: activityId });
  };

  readonly remove: Handler = (_req, res, [conversationId = '', activityId = '']) => {
    const conversation = this.conversationFor(conversationId, true);
    limitOrThrow(this.sendLimiter, conversation.id);
    this.existingActivity(conversationId, activityId);
    this.context.store.recordDeletion(conversationId, activityId);
    res.writeHead(200).end();
  };

  readonly members: Handler = (_req, res, [conversationId = '']) => {
    const conversation = this.conversationFor(conversationId, false);
    limitOrThrow(this.readLimiter, conversation.id);
    sendJson(
      res,
      200,
      this.membersOf(conversation).map((person) => this.account(person)),
    );
  };

  readonly pagedMembers: Handler = (req, res, [conversationId = '']) => {
    const conversation = this.conversationFor(conversationId, false);
    limitOrThrow(this.readLimiter, conversation.id);
    const query = new URL(req.url ?? '/', 'http://connector').searchParams;
    const pageSize = Math.min(500, Math.max(1, Number(query.get('pageSize') ?? 200) || 200));
    const start = Number(Buffer.from(query.get('continuationToken') ?? '', 'base64url').toString() || 0);
    const all = this.membersOf(conversation);
    const members = all.slice(start, start + pageSize).map((person) => this.account(person));
    const end = start + pageSize;
    const next = end < all.length ? Buffer.from(String(end)).toString('base64url') : undefined;
    sendJson(res, 200, { members, ...(next ? { continuationToken: next } : {}) });
  };

  readonly member: Handler = (_req, res, [conversationId = '', memberId = '']) => {
    const conversation = this.conversationFor(conversationId, false);
    limitOrThrow(this.readLimiter, conversation.id);
    const person = this.findPerson(memberId);
    if (!person || !conversation.memberIds.includes(person.id))
      throw new ConnectorError(
        404,
        'MemberNotFoundInConversation',
        'The member was not found in the conversation.',
      );
    sendJson(res, 200, this.account(person));
  };

  /** POST /v3/conversations: bots can only start one-to-one chats, with people of their tenant. */
  readonly create: Handler = async (req, res) => {
    const parsed = createConversationSchema.safeParse(await jsonBody(req));
    if (!parsed.success) throw new ConnectorError(400, 'BadArgument', 'Invalid conversation parameters.');
    const { isGroup, members, tenantId, channelData, activity } = parsed.data;
    if (isGroup === true || members.length !== 1)
      throw new ConnectorError(400, 'BadArgument', 'Bots can only create one-to-one conversations.');
    const tenant = tenantId ?? channelData?.tenant?.id;
    if (tenant !== undefined && tenant !== this.context.options.tenantId)
      throw new ConnectorError(400, 'BadArgument', 'Unknown tenant.');
    const person = this.findPerson(members[0]?.id ?? '');
    if (!person)
      throw new ConnectorError(403, 'BotNotInConversationRoster', 'The user has not installed the app.');
    limitOrThrow(this.sendLimiter, `create\n${person.id}`);
    const conversation = this.context.personalConversation(person);
    let activityId: string | undefined;
    if (activity) {
      const refusal = activityRefusal(activity);
      if (refusal) throw new ConnectorError(refusal.status, refusal.code, refusal.message);
      activityId = this.context.store.newActivityId();
      this.context.store.recordSent({
        id: activityId,
        conversationId: conversation.id,
        activity: { ...activity, id: activityId },
      });
    }
    sendJson(res, 201, { id: conversation.id, ...(activityId ? { activityId } : {}) });
  };

  private findPerson(id: string): ConnectorPerson | undefined {
    return this.context.options.users.find(
      (user) => user.id === id || user.aadObjectId.toLowerCase() === id.toLowerCase(),
    );
  }

  private conversationFor(rawId: string, forWrite: boolean): ConversationRecord {
    const conversation = this.context.store.conversation(rawId);
    if (!conversation) throw new ConnectorError(404, 'ConversationNotFound', 'Conversation not found.');
    if (forWrite && !conversation.botInstalled)
      throw new ConnectorError(
        403,
        'BotNotInConversationRoster',
        'The bot is not part of the conversation roster.',
      );
    return conversation;
  }

  private existingActivity(conversationId: string, activityId: string): void {
    if (!this.context.store.currentVersion(conversationId, activityId))
      throw new ConnectorError(404, 'ActivityNotFound', 'The activity was not found in this conversation.');
  }

  private async activityBody(req: IncomingMessage): Promise<Record<string, unknown>> {
    const body = await jsonBody(req);
    const refusal = activityRefusal(body);
    if (refusal) throw new ConnectorError(refusal.status, refusal.code, refusal.message);
    return body as Record<string, unknown>;
  }

  private membersOf(conversation: ConversationRecord): ConnectorPerson[] {
    return conversation.memberIds.flatMap((id) => this.findPerson(id) ?? []);
  }

  /** A TeamsChannelAccount as GET …/members returns it. */
  private account(person: ConnectorPerson): Record<string, string> {
    return {
      id: person.id,
      name: person.name,
      aadObjectId: person.aadObjectId,
      givenName: person.givenName,
      surname: person.surname,
      email: person.email,
      userPrincipalName: person.userPrincipalName,
      tenantId: this.context.options.tenantId,
      userRole: 'user',
    };
  }
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req, MAX_BODY_BYTES);
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw new ConnectorError(400, 'BadArgument', 'The body is not valid JSON.');
  }
}
