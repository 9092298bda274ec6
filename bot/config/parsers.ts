import { z } from 'zod';
import { graphConnectionSchema } from '../../graph/connection.js';
import { Secret } from '../secret.js';

/** zod schemas for environment text: every value arrives as a string (or not at all). */

export const secret = z
  .string()
  .min(1)
  .transform((value) => new Secret(value));

/** A secret that must start with `prefix` (Slack tokens); the message never repeats the value. */
export const prefixedSecret = (prefix: string, message: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}`), message)
    .transform((value) => new Secret(value));

const emptyAsUndefined = (value: unknown): unknown => (value === '' ? undefined : value);
export const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyAsUndefined, schema.optional());

/** Numbers arrive as text; say what is expected instead of zod's "expected number, received NaN". */
export const wholeNumber = (min: number, max: number, message: string) =>
  z.coerce
    .number({ error: message })
    .int({ error: message })
    .min(min, { error: message })
    .max(max, { error: message });

const TRUE_WORDS = ['true', 'yes', 'on', '1'];
const FALSE_WORDS = ['false', 'no', 'off', '0'];

/** true/false, yes/no, on/off or 1/0 (any case). */
export const flag = z
  .string()
  .transform((text) => text.trim().toLowerCase())
  .refine((text) => TRUE_WORDS.includes(text) || FALSE_WORDS.includes(text), 'must be true or false')
  .transform((text) => TRUE_WORDS.includes(text));

/** A comma-separated list; blanks around items and empty items are ignored. */
export const commaList = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (text) =>
      typeof text === 'string'
        ? text
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part !== '')
        : text,
    z.array(item),
  );

/** An http(s) URL, with a trailing "/" added when missing (clients append paths to it). */
export const baseUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .transform((url) => (url.endsWith('/') ? url : `${url}/`));

/** host or host:port, as MSAL's known authorities want it. */
export const hostAndPort = z
  .string()
  .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be a host name, optionally with :port, without https://');

/** A certificate thumbprint as Entra shows it (SHA-1, 40 hex digits) or SHA-256 (64); colons and spaces ignored. */
export const thumbprint = z
  .string()
  .transform((value) => value.replace(/[\s:]/g, '').toLowerCase())
  .pipe(z.string().regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/, 'must be a 40- or 64-digit hex thumbprint'));

/**
 * The JSON line `npm run --silent sandbox` prints first: the settings that point the Graph gateway at that
 * sandbox (its http token endpoint included). The client secret inside becomes a Secret.
 */
export const sandboxConnection = z.string().transform((text, context) => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = graphConnectionSchema.safeParse(json);
  if (!parsed.success) {
    context.addIssue({
      code: 'custom',
      message: 'must be the one-line JSON object that `npm run --silent sandbox` prints first',
    });
    return z.NEVER;
  }
  return { ...parsed.data, clientSecret: new Secret(parsed.data.clientSecret) };
});

/** 'HH:MM', 24-hour clock. */
export const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM');
