/**
 * The one error taxonomy. Every failure that crosses a module boundary is one of these classes, with a stable
 * `code`, structured fields, a plain-language message an admin can act on, and a `policy` that tells the
 * caller what to do with it:
 *   - 'retry'     the same request can succeed later (throttling, a transient outage); honour retryAfterMs;
 *   - 'per-user'  this user fails with this reason; report it and go on with the others;
 *   - 'stop-run'  nothing else in this run can succeed (bad credentials, missing permission, not connected).
 * SDK errors are translated into these in exactly one place per SDK (graph/errors.ts for Graph,
 * storage/errors.ts for MongoDB); nothing else inspects SDK error shapes.
 */
export type FailurePolicy = 'retry' | 'per-user' | 'stop-run';

export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly policy: FailurePolicy;
  /** Graph request ids involved, for the audit log and support cases. */
  requestIds: string[] = [];

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** Structured fields for logs and audit (never secrets). */
  toJSON(): Record<string, unknown> {
    const fields: Record<string, unknown> = { code: this.code, message: this.message, policy: this.policy };
    for (const [key, value] of Object.entries(this)) {
      if (key !== 'cause' && key !== 'stack')
        fields[key] = value instanceof Date ? value.toISOString() : value;
    }
    return fields;
  }
}

function when(retryAt: Date): string {
  return retryAt.toISOString().slice(11, 16) + ' UTC';
}

// ——— Microsoft Graph: transient ———

export class GraphThrottledError extends DomainError {
  readonly code = 'GRAPH_THROTTLED';
  readonly policy = 'retry';
  constructor(
    readonly retryAfterMs: number,
    readonly scope?: string,
  ) {
    super(`Microsoft 365 asked us to slow down; retrying in ${Math.ceil(retryAfterMs / 1000)} s.`);
  }
}

export class GraphUnavailableError extends DomainError {
  readonly code = 'GRAPH_UNAVAILABLE';
  readonly policy = 'retry';
  constructor(
    readonly status: number | undefined,
    readonly retryAfterMs: number | undefined,
    options?: ErrorOptions,
  ) {
    super(
      `Microsoft 365 is temporarily unavailable (${status === undefined ? 'connection failed' : `HTTP ${status}`}); try again shortly.`,
      options,
    );
  }
}

// ——— Microsoft Graph: the whole run stops ———

export class GraphAuthenticationError extends DomainError {
  readonly code = 'GRAPH_AUTHENTICATION_FAILED';
  readonly policy = 'stop-run';
  constructor(readonly reason: string) {
    super(
      `The bot cannot sign in to Microsoft 365 (${reason}); check the app registration's client secret or certificate.`,
    );
  }
}

export class GraphPermissionError extends DomainError {
  readonly code = 'GRAPH_PERMISSION_DENIED';
  readonly policy = 'stop-run';
  constructor(readonly operation: string) {
    super(
      `Microsoft 365 refused to ${operation}: the bot's app registration lacks the permission or directory role for it (see README, "Graph permissions").`,
    );
  }
}

export class PartnerManagedTenantError extends DomainError {
  readonly code = 'M365_PARTNER_MANAGED';
  readonly policy = 'stop-run';
  constructor(readonly federatedDomains: string[]) {
    super(
      `This Microsoft 365 tenant is managed by a partner (its domains ${federatedDomains.join(', ')} sign in through the partner), so the bot cannot manage its users; move the tenant off the partner first.`,
    );
  }
}

export class NotConnectedError extends DomainError {
  readonly code = 'M365_NOT_CONNECTED';
  readonly policy = 'stop-run';
  constructor() {
    super('The bot is not connected to Microsoft 365 (the connection was deactivated); reconnect it first.');
  }
}

/** A write reached the Graph gateway during a dry run: a bug guard, never expected in normal operation. */
export class DryRunWriteError extends DomainError {
  readonly code = 'DRY_RUN_WRITE_REFUSED';
  readonly policy = 'stop-run';
  constructor(
    readonly method: string,
    readonly path: string,
  ) {
    super(`A dry run tried to send ${method} ${path}; it was refused and nothing was changed.`);
  }
}

/**
 * Graph answered with something the gateway cannot read (a body that does not match the documented shape, or
 * a nextLink to another host). Nothing that follows can be trusted, so the run stops.
 */
export class GraphUnexpectedResponseError extends DomainError {
  readonly code = 'GRAPH_UNEXPECTED_RESPONSE';
  readonly policy = 'stop-run';
  constructor(
    readonly operation: string,
    /** What was wrong (field paths, never values). */
    readonly problem: string,
  ) {
    super(`Microsoft 365 sent an answer the bot cannot read while trying to ${operation} (${problem}).`);
  }
}

// ——— Microsoft Graph: this user fails, the run goes on ———

export class M365UserNotFoundError extends DomainError {
  readonly code = 'M365_USER_NOT_FOUND';
  readonly policy = 'per-user';
  constructor(readonly key: string) {
    super(`${key} does not exist in Microsoft 365 (it may have been deleted there).`);
  }
}

export class AddressHeldError extends DomainError {
  readonly code = 'M365_ADDRESS_HELD';
  readonly policy = 'per-user';
  constructor(
    readonly email: string,
    readonly retryAt: Date | undefined,
  ) {
    super(
      `${email} can't be created yet: Microsoft 365 still holds that address after a recent delete${retryAt ? `; retrying automatically at ${when(retryAt)}` : ''}.`,
    );
  }
}

export class UpnConflictError extends DomainError {
  readonly code = 'M365_UPN_CONFLICT';
  readonly policy = 'per-user';
  constructor(readonly email: string) {
    super(`${email} can't be created: another Microsoft 365 account already uses that sign-in name.`);
  }
}

export class GraphRejectedInputError extends DomainError {
  readonly code = 'M365_INVALID_INPUT';
  readonly policy = 'per-user';
  constructor(
    readonly subject: string,
    readonly detail: string,
  ) {
    super(`Microsoft 365 refused the change for ${subject}: ${detail}`);
  }
}

export class OnPremisesMasteredError extends DomainError {
  readonly code = 'M365_ON_PREMISES_MASTERED';
  readonly policy = 'per-user';
  constructor(
    readonly email: string,
    readonly attributes: string[],
  ) {
    super(
      `${email} is synchronised from on-premises Active Directory, so ${attributes.length > 0 ? attributes.join(', ') : 'its attributes'} can only be changed there.`,
    );
  }
}

export type LicenceProblem = 'no-free-seats' | 'no-usage-location' | 'unknown-sku';

export class LicenceUnavailableError extends DomainError {
  readonly code = 'M365_LICENCE_UNAVAILABLE';
  readonly policy = 'per-user';
  constructor(
    readonly subject: string,
    readonly sku: string,
    readonly problem: LicenceProblem,
  ) {
    const why = {
      'no-free-seats': `the subscription ${sku} has no free seats`,
      'no-usage-location': 'the user has no usage location (country) set',
      'unknown-sku': `the tenant has no subscription ${sku}`,
    }[problem];
    super(`A licence can't be assigned to ${subject}: ${why}.`);
  }
}

// ——— The bot's own directory ———

export class DirectoryConflictError extends DomainError {
  readonly code = 'DIRECTORY_EMAIL_EXISTS';
  readonly policy = 'per-user';
  constructor(readonly email: string) {
    super(`${email} already exists in the directory.`);
  }
}

export class DirectoryUserNotFoundError extends DomainError {
  readonly code = 'DIRECTORY_USER_NOT_FOUND';
  readonly policy = 'per-user';
  constructor(readonly email: string) {
    super(`${email} is not in the directory; import or create the user first.`);
  }
}

export class NotBoundError extends DomainError {
  readonly code = 'NOT_BOUND';
  readonly policy = 'per-user';
  constructor(readonly email: string) {
    super(`${email} is not bound to Microsoft 365; bind the user first.`);
  }
}

export class DatabaseUnavailableError extends DomainError {
  readonly code = 'DATABASE_UNAVAILABLE';
  readonly policy = 'retry';
  constructor(
    readonly target: string,
    options?: ErrorOptions,
  ) {
    super(`The bot's database (${target}) is temporarily unavailable; try again in a moment.`, options);
  }
}

/**
 * Another bot process held a record's lock for longer than we could wait: another replica busy with the same
 * record, or one that crashed mid-change, whose lease runs out after `retryAfterMs` at the latest.
 */
export class LockTimeoutError extends DomainError {
  readonly code = 'LOCK_TIMEOUT';
  readonly policy = 'retry';
  constructor(
    /** The locked record, as "<collection>/<id>". */
    readonly resource: string,
    readonly retryAfterMs: number,
  ) {
    super(
      `Another instance of the bot is still changing ${resource}; try again in ${Math.ceil(retryAfterMs / 1000)} s.`,
    );
  }
}

/** A stored record no longer matches its schema (edited by hand, or written by an older version). */
export class StoredRecordInvalidError extends DomainError {
  readonly code = 'STORED_RECORD_INVALID';
  readonly policy = 'per-user';
  constructor(
    readonly collection: string,
    readonly recordId: string,
    /** Field paths and what is wrong with them; never the stored values. */
    readonly problems: string[],
  ) {
    super(
      `The ${collection} record ${recordId} in the bot's database is malformed (${problems.join('; ')}); fix or remove it.`,
    );
  }
}

export class InvalidInputError extends DomainError {
  readonly code = 'INVALID_INPUT';
  readonly policy = 'per-user';
}

/**
 * A failure nobody translated (a bug, or an SDK error that escaped its one translation point). The user's row
 * says so in plain words; the details go to the bot's log only, because an untranslated message may carry
 * request data.
 */
export class UnexpectedError extends DomainError {
  readonly code = 'UNEXPECTED';
  readonly policy = 'per-user';
  constructor(options?: ErrorOptions) {
    super("Something unexpected went wrong for this user; the bot's log has the details.", options);
  }
}

// ——— Chat platforms (Slack Web API; usable by the Teams connector too) ———

/**
 * The chat platform asked the bot to slow down (after the client's own bounded retries) or could not be
 * reached; the same call can succeed later.
 */
export class ChatPlatformUnavailableError extends DomainError {
  readonly code = 'CHAT_PLATFORM_UNAVAILABLE';
  readonly policy = 'retry';
  constructor(
    readonly platform: string,
    readonly operation: string,
    /** The platform's reason, e.g. "ratelimited", "HTTP 503", "connection failed". */
    readonly reason: string,
    readonly retryAfterMs: number | undefined,
    options?: ErrorOptions,
  ) {
    super(`${platform} could not ${operation} right now (${reason}); try again shortly.`, options);
  }
}

/** The platform refused the bot's own credentials (revoked or wrong token): nothing will reach it until fixed. */
export class ChatPlatformAuthError extends DomainError {
  readonly code = 'CHAT_PLATFORM_AUTH_FAILED';
  readonly policy = 'stop-run';
  constructor(
    readonly platform: string,
    readonly operation: string,
    readonly reason: string,
  ) {
    super(
      `${platform} refused the bot's credentials while trying to ${operation} (${reason}); check the bot token in the configuration.`,
    );
  }
}

/**
 * The platform refused this one delivery (the bot is not in the channel, the message is gone, the person is not
 * a member): other messages can still go through.
 */
export class ChatDeliveryError extends DomainError {
  readonly code = 'CHAT_DELIVERY_REFUSED';
  readonly policy = 'per-user';
  constructor(
    readonly platform: string,
    readonly operation: string,
    /** The platform's error code, e.g. "not_in_channel". */
    readonly reason: string,
    /** What it means and what to do, in plain words. */
    explanation: string,
  ) {
    super(`${platform} refused to ${operation}: ${explanation} (${reason}).`);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
