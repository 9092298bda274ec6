import { z } from 'zod';

/**
 * The provisioning engine's settings. Pure schema: the composition root (bot/) maps environment variables to
 * this shape; nothing here reads the environment.
 */

export const CHARACTER_CLASSES = ['lower', 'upper', 'digit', 'symbol'] as const;
export type CharacterClass = (typeof CHARACTER_CLASSES)[number];

/** Entra's cloud password rules (graph-behaviour §4): 8–256 characters, 3 of the 4 classes, these symbols. */
export const ENTRA_PASSWORD_RULES = {
  minLength: 8,
  maxLength: 256,
  minClasses: 3,
  symbols: '@#$%^&*-_!+=[]{}|\\:\',.?/`~"();<> ',
} as const;

/**
 * Symbols the generator uses by default: Entra's allowed set without the ones that are easy to mistype or
 * mangle when a password is read aloud or pasted into a chat (space, quotes, backslash, backtick, brackets).
 */
export const DEFAULT_PASSWORD_SYMBOLS = '!#$%&*+-=?@^_';

const passwordPolicySchema = z
  .object({
    /** At least 12: with 12+ random characters the banned-password score is always ≥ 5 (graph-behaviour §4). */
    length: z.number().int().min(12).max(ENTRA_PASSWORD_RULES.maxLength).default(16),
    /** Every generated password holds at least one character of each class listed. */
    requiredClasses: z
      .array(z.enum(CHARACTER_CLASSES))
      .min(ENTRA_PASSWORD_RULES.minClasses)
      .default([...CHARACTER_CLASSES])
      .refine((classes) => new Set(classes).size === classes.length, 'character classes must be distinct'),
    symbols: z
      .string()
      .min(1)
      .default(DEFAULT_PASSWORD_SYMBOLS)
      .refine(
        (symbols) => Array.from(symbols).every((char) => ENTRA_PASSWORD_RULES.symbols.includes(char)),
        'only symbols Microsoft 365 accepts in passwords',
      ),
    /** Days until a password expires and the Microsoft 365 account is suspended; 0 = never. */
    expiryDays: z.number().int().min(0).max(3650).default(90),
    /** Bumped whenever the policy changes, recorded with every password state. */
    version: z.number().int().min(1).default(1),
  })
  .default({
    length: 16,
    requiredClasses: [...CHARACTER_CLASSES],
    symbols: DEFAULT_PASSWORD_SYMBOLS,
    expiryDays: 90,
    version: 1,
  });
export type PasswordPolicy = z.output<typeof passwordPolicySchema>;

const welcomeMailSchema = z
  .object({
    /** Sent when binding, unless a call passes welcome: false (the seed: binding sends one). */
    enabled: z.boolean().default(true),
    /** The mailbox the welcome message is sent from (a dedicated, licensed mailbox); null = none configured. */
    senderUpn: z.email().nullable().default(null),
    subject: z.string().min(1).max(255).default('Welcome to Microsoft 365'),
  })
  .default({ enabled: true, senderUpn: null, subject: 'Welcome to Microsoft 365' });

export const engineSettingsSchema = z.object({
  passwordPolicy: passwordPolicySchema,
  welcomeMail: welcomeMailSchema,
  /** ISO 3166 alpha-2 used for new accounts whose directory user has none (licences need one). */
  defaultUsageLocation: z
    .string()
    .regex(/^[A-Z]{2}$/, 'two upper-case letters (ISO 3166 alpha-2)')
    .default('US'),
  /** How long Microsoft 365 may hold a deleted user's address (the seed: "up to 24 hours"). */
  addressHoldWaitMs: z
    .number()
    .int()
    .min(0)
    .default(24 * 60 * 60 * 1000),
  /**
   * Users in flight at once in a bulk operation (the Graph gateway paces the requests themselves). A user
   * takes three Graph round trips of ~100–250 ms, so reaching Microsoft's write quota (20 writes/s after a
   * 3,000-write burst) needs ~40 in flight; 50 leaves room for the database's share.
   */
  bulkConcurrency: z.number().int().min(1).max(500).default(50),
});
export type EngineSettings = z.output<typeof engineSettingsSchema>;
export type EngineSettingsInput = z.input<typeof engineSettingsSchema>;
