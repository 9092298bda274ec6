import { z } from 'zod';
import { Secret } from '../secret.js';

/**
 * What the Slack adapter needs, validated once. Tokens and the signing secret stay Secrets; they are revealed
 * only where the SDK needs them (app.ts).
 */

export const SLACK_EVENTS_PATH = '/slack/events';
export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

const secretWithPrefix = (prefix: string) =>
  z
    .instanceof(Secret)
    .refine((secret) => secret.reveal().startsWith(prefix), { message: `must start with ${prefix}` });

export const slackAdapterOptionsSchema = z
  .object({
    /** Verifies every HTTP request (Bolt's own check). Socket Mode has no signatures, so it may be left out there. */
    signingSecret: z
      .instanceof(Secret)
      .refine((secret) => secret.reveal() !== '', { message: 'must not be empty' })
      .optional(),
    botToken: secretWithPrefix('xoxb-'),
    /** An app-level token (xapp-…): Socket Mode instead of the HTTP endpoint. */
    appToken: secretWithPrefix('xapp-').optional(),
    /** The Web API base URL; WebClient appends the method name, so it ends with "/". */
    apiUrl: z
      .url()
      .default(DEFAULT_SLACK_API_URL)
      .transform((url) => (url.endsWith('/') ? url : `${url}/`)),
    /** The bot's ids (auth.test's bot_id, user_id). When either is missing, one auth.test at start-up finds them. */
    botId: z
      .string()
      .regex(/^B[A-Z0-9]+$/, 'a Slack bot id such as B0123ABCD')
      .optional(),
    botUserId: z
      .string()
      .regex(/^[UW][A-Z0-9]+$/, 'a Slack user id such as U0123ABCD')
      .optional(),
    /**
     * How long an Events API event_id is remembered. Slack redelivers immediately, after ~1 min and ~5 min
     * (chat-platforms §1.2), so 10 minutes covers every retry.
     */
    dedupeWindowMs: z
      .number()
      .int()
      .min(0)
      .default(10 * 60_000),
    /**
     * WebClient retries (network errors, HTTP 5xx, 429 after waiting out Retry-After). Bounded: the default
     * policy retries for ~30 minutes, far longer than anyone waits for a card.
     */
    retries: z.number().int().min(0).max(10).default(3),
    /** Give up retrying one call after this long (Retry-After waits included). */
    maxRetryTimeMs: z
      .number()
      .int()
      .min(0)
      .default(2 * 60_000),
    /** One HTTP request to the Web API may take this long. */
    requestTimeoutMs: z.number().int().min(100).default(15_000),
    /**
     * How many requests' work (after their ack) runs at once; the rest wait their turn (after-ack.ts), so a
     * burst of commands cannot slow the acks of the requests still arriving.
     */
    afterAckConcurrency: z.number().int().min(1).max(100).default(8),
  })
  .refine((options) => (options.botId === undefined) === (options.botUserId === undefined), {
    message: 'give both botId and botUserId, or neither (then auth.test finds them)',
  })
  .refine((options) => options.signingSecret !== undefined || options.appToken !== undefined, {
    message: 'the HTTP endpoint needs the signing secret (or give an app-level token for Socket Mode)',
    path: ['signingSecret'],
  });

export type SlackAdapterOptionsInput = z.input<typeof slackAdapterOptionsSchema>;
export type SlackAdapterOptions = z.output<typeof slackAdapterOptionsSchema>;

/** The WebClient options every Slack call uses (the App's client and the start-up auth.test). */
export function webClientOptions(options: SlackAdapterOptions) {
  return {
    slackApiUrl: options.apiUrl,
    timeout: options.requestTimeoutMs,
    // false: WebClient waits out Retry-After itself (pausing its queue), then retries within `retryConfig`.
    rejectRateLimitedCalls: false,
    retryConfig: {
      retries: options.retries,
      factor: 2,
      minTimeout: 250,
      maxTimeout: 5_000,
      randomize: true,
      maxRetryTime: options.maxRetryTimeMs,
    },
  };
}
