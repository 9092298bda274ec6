import { createHmac, randomBytes } from 'node:crypto';
import type { SlackApi } from './api.js';

/**
 * Slack's side of a Bolt HTTP endpoint: signed slash commands, block_actions and Events API callbacks
 * (chat-platforms §1.4). Signature: `v0=` + hex HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`).
 * Forms go out as exactly `application/x-www-form-urlencoded` (with `;charset=…` Bolt refuses them, §1.6).
 * Variants: 'forged' signs with the wrong secret, 'stale' signs correctly a request 10 minutes old; Bolt must
 * refuse both with 401.
 */
export type Signing = 'valid' | 'forged' | 'stale';

export interface SignedResponse {
  status: number;
  body: string;
}

export interface SlashCommandInput {
  command?: string;
  text: string;
  userId: string;
  channelId: string;
  /** Default: a fresh response_url minted by the stand-in. */
  responseUrl?: string;
}

export interface BlockActionInput {
  userId: string;
  channelId: string;
  /** The message that carries the button: one in the channel, or an ephemeral shown to `userId`. */
  messageTs: string;
  actionId: string;
  value?: string;
  blockId?: string;
  responseUrl?: string;
}

export interface SlackSender {
  slashCommand(input: SlashCommandInput, signing?: Signing): Promise<SignedResponse>;
  blockAction(input: BlockActionInput, signing?: Signing): Promise<SignedResponse>;
  appMention(
    input: { userId: string; channelId: string; text: string },
    signing?: Signing,
  ): Promise<SignedResponse>;
  directMessage(input: { userId: string; text: string }, signing?: Signing): Promise<SignedResponse>;
  /** Any body, signed as asked (for shapes the helpers above do not build). */
  send(body: string, contentType: string, signing?: Signing): Promise<SignedResponse>;
}

export function signature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function createSlackSender(options: {
  /** Bolt's endpoint, e.g. http://127.0.0.1:P/slack/events */
  url: string;
  signingSecret: string;
  api: SlackApi;
  now?: () => number;
}): SlackSender {
  const { url, signingSecret, api } = options;
  const now = options.now ?? (() => Date.now());
  const { team, bot } = api.options;
  const userName = (id: string) => api.options.users.find((user) => user.id === id)?.name ?? id;
  const triggerId = () => `${Date.now()}.${randomBytes(6).toString('hex')}`;

  const send = async (
    body: string,
    contentType: string,
    signing: Signing = 'valid',
  ): Promise<SignedResponse> => {
    const seconds = Math.floor(now() / 1000) - (signing === 'stale' ? 10 * 60 : 0);
    const secret = signing === 'forged' ? `${signingSecret}-forged` : signingSecret;
    const response = await fetch(url, {
      method: 'POST',
      // A string body keeps the content-type exactly as given (URLSearchParams would add ;charset=UTF-8).
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(seconds),
        'x-slack-signature': signature(secret, seconds, body),
      },
      body,
    });
    return { status: response.status, body: await response.text() };
  };
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const event = (inner: Record<string, unknown>, signing?: Signing) =>
    send(
      JSON.stringify({
        token: 'legacy-verification-token',
        team_id: team.id,
        api_app_id: bot.appId,
        event: inner,
        type: 'event_callback',
        event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
        event_time: Math.floor(now() / 1000),
        authorizations: [
          { team_id: team.id, user_id: bot.userId, is_bot: true, is_enterprise_install: false },
        ],
      }),
      'application/json',
      signing,
    );
  const eventTs = () => (now() / 1000).toFixed(6);

  return {
    send,
    slashCommand: (input, signing) =>
      send(
        form({
          token: 'legacy-verification-token',
          team_id: team.id,
          team_domain: team.domain,
          channel_id: input.channelId,
          user_id: input.userId,
          user_name: userName(input.userId),
          command: input.command ?? '/m365',
          text: input.text,
          api_app_id: bot.appId,
          is_enterprise_install: 'false',
          response_url: input.responseUrl ?? api.responseUrlFor(input.channelId, input.userId),
          trigger_id: triggerId(),
        }),
        'application/x-www-form-urlencoded',
        signing,
      ),
    blockAction: (input, signing) => {
      const message = api.messages(input.channelId).find((candidate) => candidate.ts === input.messageTs);
      // A button on an ephemeral the user sees: Slack flags the container and sends no `message`.
      const ephemeral =
        message === undefined &&
        api
          .ephemerals(input.userId)
          .some((candidate) => candidate.channel === input.channelId && candidate.ts === input.messageTs);
      const payload = {
        type: 'block_actions',
        user: {
          id: input.userId,
          username: userName(input.userId),
          name: userName(input.userId),
          team_id: team.id,
        },
        api_app_id: bot.appId,
        token: 'legacy-verification-token',
        container: {
          type: 'message',
          message_ts: input.messageTs,
          channel_id: input.channelId,
          is_ephemeral: ephemeral,
        },
        trigger_id: triggerId(),
        team: { id: team.id, domain: team.domain },
        channel: { id: input.channelId, name: input.channelId },
        ...(ephemeral
          ? {}
          : {
              message: {
                type: 'message',
                ts: input.messageTs,
                text: message?.text ?? '',
                user: bot.userId,
                bot_id: bot.botId,
                blocks: message?.blocks ?? [],
              },
            }),
        response_url:
          input.responseUrl ??
          api.responseUrlFor(input.channelId, input.userId, { messageTs: input.messageTs }),
        actions: [
          {
            type: 'button',
            action_id: input.actionId,
            block_id: input.blockId ?? 'actions',
            text: { type: 'plain_text', text: input.actionId },
            ...(input.value === undefined ? {} : { value: input.value }),
            action_ts: eventTs(),
          },
        ],
      };
      return send(form({ payload: JSON.stringify(payload) }), 'application/x-www-form-urlencoded', signing);
    },
    appMention: (input, signing) =>
      event(
        {
          type: 'app_mention',
          user: input.userId,
          text: `<@${bot.userId}> ${input.text}`,
          ts: eventTs(),
          channel: input.channelId,
          event_ts: eventTs(),
        },
        signing,
      ),
    directMessage: (input, signing) =>
      event(
        {
          type: 'message',
          channel_type: 'im',
          channel: api.openDirectMessage(input.userId),
          user: input.userId,
          text: input.text,
          ts: eventTs(),
          event_ts: eventTs(),
        },
        signing,
      ),
  };
}
