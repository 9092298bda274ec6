/**
 * What the Bot Connector refuses in an outgoing activity (chat-platforms §2.4):
 * - the message over 40 KB, measured as UTF-16 (2 bytes per code unit) with base64 images excluded → 413
 *   MessageSizeTooBig;
 * - an attachment whose contentType Teams cannot render → 400;
 * - an Adaptive Card above version 1.5 (Teams renders ≤ 1.5) → 400.
 * The exact 400 code and message for the last two are not published; BadArgument is the Bot Connector's code
 * for a malformed argument, so it is used here [unconfirmed].
 */

export const MAX_ACTIVITY_BYTES = 40 * 1024;
export const MAX_ADAPTIVE_CARD_VERSION = { major: 1, minor: 5 } as const;

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** Card and file types Teams renders for bots (Teams card reference); images are sent inline as image/*. */
const KNOWN_CONTENT_TYPES = new Set([
  ADAPTIVE_CARD,
  'application/vnd.microsoft.card.hero',
  'application/vnd.microsoft.card.thumbnail',
  'application/vnd.microsoft.card.o365connector',
  'application/vnd.microsoft.card.receipt',
  'application/vnd.microsoft.card.signin',
  'application/vnd.microsoft.card.oauth',
  'application/vnd.microsoft.teams.card.list',
  'application/vnd.microsoft.teams.card.file.consent',
  'application/vnd.microsoft.teams.file.download.info',
]);

export interface ActivityRefusal {
  status: 400 | 413;
  code: string;
  message: string;
}

/** The size Teams counts: UTF-16 bytes of the JSON payload, without base64 data URIs (images). */
export function measuredActivityBytes(activity: unknown): number {
  const json = JSON.stringify(activity).replace(/data:[^"]*?;base64,[A-Za-z0-9+/=]*/g, '');
  return json.length * 2;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function adaptiveCardProblem(content: unknown): string | null {
  if (!isRecord(content)) return 'the Adaptive Card content is not an object';
  if (content.type !== 'AdaptiveCard') return 'the Adaptive Card content must have type "AdaptiveCard"';
  const version = content.version;
  // A card without a version cannot declare what it needs; Teams' renderer wants one [unconfirmed: refused].
  if (typeof version !== 'string' || !/^\d+\.\d+$/.test(version))
    return 'the Adaptive Card must declare a version such as "1.5"';
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const max = MAX_ADAPTIVE_CARD_VERSION;
  if (major > max.major || (major === max.major && minor > max.minor))
    return `Adaptive Card version ${version} is not supported; Teams renders up to ${max.major}.${max.minor}`;
  return null;
}

function attachmentProblem(attachment: unknown): string | null {
  if (!isRecord(attachment)) return 'an attachment is not an object';
  const contentType = attachment.contentType;
  if (typeof contentType !== 'string') return 'an attachment has no contentType';
  if (contentType === ADAPTIVE_CARD) return adaptiveCardProblem(attachment.content);
  if (KNOWN_CONTENT_TYPES.has(contentType) || contentType.startsWith('image/')) return null;
  return `attachments of type ${contentType} are not supported in Teams`;
}

/** The first reason Teams would refuse this activity, or null. */
export function activityRefusal(activity: unknown): ActivityRefusal | null {
  if (!isRecord(activity) || typeof activity.type !== 'string')
    return { status: 400, code: 'BadArgument', message: 'The activity must be an object with a type.' };
  if (measuredActivityBytes(activity) > MAX_ACTIVITY_BYTES)
    return { status: 413, code: 'MessageSizeTooBig', message: 'Message size too big.' };
  const attachments = activity.attachments;
  if (attachments !== undefined && !Array.isArray(attachments))
    return { status: 400, code: 'BadArgument', message: 'attachments must be an array.' };
  for (const attachment of (attachments ?? []) as unknown[]) {
    const problem = attachmentProblem(attachment);
    if (problem !== null) return { status: 400, code: 'BadArgument', message: problem };
  }
  return null;
}
