import { RespondError, webApi } from '@slack/bolt';
import {
  ChatDeliveryError,
  ChatPlatformAuthError,
  ChatPlatformUnavailableError,
  isDomainError,
  UnexpectedError,
  type DomainError,
} from '../../commands/errors.js';

/**
 * The one place that reads Slack SDK error shapes (WebClient's coded errors, Bolt's RespondError) and turns
 * them into the domain taxonomy (commands/errors.ts). Everything else in bot/slack sees only the translated
 * errors (a refused delivery is a ChatDeliveryError whose `reason` is Slack's code, e.g. "not_in_channel").
 */

const PLATFORM = 'Slack';

/** Codes that mean the bot's own token is refused: nothing will get through until the configuration changes. */
const AUTH_CODES = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'team_access_not_granted',
  'ekm_access_denied',
]);

/** Codes that are Slack's own trouble: the same call can succeed later. */
const TRANSIENT_CODES = new Set([
  'ratelimited',
  'fatal_error',
  'internal_error',
  'service_unavailable',
  'request_timeout',
]);

const EXPLANATIONS: Record<string, string> = {
  not_in_channel: 'the bot is not a member of that channel; invite it with /invite and try again',
  channel_not_found: 'the channel does not exist or the bot cannot see it',
  is_archived: 'the channel is archived',
  user_not_in_channel: 'that person is not a member of the channel',
  user_not_found: 'that person is not in this workspace',
  user_disabled: "that person's account is deactivated",
  message_not_found: 'the message no longer exists',
  cant_update_message: 'the bot can only edit its own messages',
  msg_too_long: 'the message is longer than Slack accepts',
  msg_blocks_too_long: 'the message is longer than Slack accepts',
  invalid_blocks: 'Slack could not read the message layout',
  no_text: 'the message was empty',
  restricted_action: "the workspace's settings do not let the bot post there",
  cannot_dm_bot: 'bots cannot be sent direct messages',
  missing_scope:
    'the Slack app lacks a permission; reinstall it with the scopes in manifest/slack/manifest.json',
  used_url: 'the button is too old to answer; run the command again',
  expired_url: 'the button is too old to answer; run the command again',
};

/**
 * WebClient gives up on a 429 it was told to wait out (rejectRateLimitedCalls false) with a WebAPIRequestError
 * whose `original` is a plain Error naming the Retry-After it honoured; this reads the seconds back.
 */
function exhaustedRateLimit(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const match = /^A rate limit was exceeded \(url: .*, retry-after: (\d+)\)$/.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

function explained(operation: string, code: string, needed: unknown): DomainError {
  if (AUTH_CODES.has(code)) return new ChatPlatformAuthError(PLATFORM, operation, code);
  if (TRANSIENT_CODES.has(code))
    return new ChatPlatformUnavailableError(PLATFORM, operation, code, undefined);
  let explanation = EXPLANATIONS[code] ?? 'Slack gave no further explanation';
  if (code === 'missing_scope' && typeof needed === 'string') explanation += ` (needs ${needed})`;
  return new ChatDeliveryError(PLATFORM, operation, code, explanation);
}

/**
 * Any error from a Slack call → a DomainError. `operation` completes "Slack could not …", e.g.
 * "post the card in C0123".
 */
export function translateSlackError(error: unknown, operation: string): DomainError {
  if (isDomainError(error)) return error;
  if (error instanceof webApi.WebAPIPlatformError) {
    const { error: code, needed } = error.data as { error: string; needed?: unknown };
    return explained(operation, code, needed);
  }
  if (error instanceof webApi.WebAPIRateLimitedError) {
    return new ChatPlatformUnavailableError(PLATFORM, operation, 'ratelimited', error.retryAfter * 1000);
  }
  if (error instanceof webApi.WebAPIHTTPError) {
    return new ChatPlatformUnavailableError(PLATFORM, operation, `HTTP ${error.statusCode}`, undefined);
  }
  if (error instanceof webApi.WebAPIRequestError) {
    const waited = exhaustedRateLimit(error.original);
    if (waited !== undefined) {
      return new ChatPlatformUnavailableError(PLATFORM, operation, 'ratelimited', waited * 1000, {
        cause: error,
      });
    }
    const reason = error.original.name === 'TimeoutError' ? 'no answer in time' : 'connection failed';
    return new ChatPlatformUnavailableError(PLATFORM, operation, reason, undefined, { cause: error });
  }
  if (error instanceof RespondError) {
    // response_url answers 404 once used five times or older than 30 minutes (chat-platforms §1.2).
    const reason = error.statusCode === 404 ? 'expired_url' : `HTTP ${error.statusCode}`;
    return error.statusCode === 404 || error.statusCode === 410
      ? new ChatDeliveryError(PLATFORM, operation, reason, EXPLANATIONS.expired_url ?? reason)
      : new ChatPlatformUnavailableError(PLATFORM, operation, reason, undefined);
  }
  return new UnexpectedError({ cause: error });
}

/** Runs one Slack call, translating whatever it throws. */
export async function slackCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateSlackError(error, operation);
  }
}
