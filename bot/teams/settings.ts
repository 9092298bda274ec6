import type { ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import { z } from 'zod';
import { Secret } from '../secret.js';

/**
 * The Teams endpoint's settings, built by the composition root from the parsed Config (never from
 * process.env): the Azure Bot's identity and the endpoint's own limits.
 *
 * - No `appId` → local mode (Microsoft 365 Agents Playground, tests): botbuilder disables authentication, so
 *   inbound requests carry no token and outbound calls are unsigned (chat-platforms.md §2.1).
 * - With `appId`, botbuilder's own JWT validation refuses unauthenticated requests with 401.
 * `appType` defaults to SingleTenant when a tenant id is given (no new multi-tenant bot registrations since
 * July 2025, chat-platforms.md §2.8), else MultiTenant.
 */
export const teamsSettingsSchema = z
  .object({
    appId: z.uuid().optional(),
    appPassword: z.instanceof(Secret).optional(),
    appTenantId: z.uuid().optional(),
    appType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
    /** Bodies above this are refused with 413 before they are parsed (activities are a few KB). */
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .default(256 * 1024),
    /** How long an activity id is remembered, so a redelivery (Teams resends slow requests) runs once. */
    dedupeWindowMs: z
      .number()
      .int()
      .min(0)
      .default(2 * 60_000),
    /**
     * An Action.Execute click is answered by then at the latest (Teams waits about 15 s); replies that come
     * later update the card afterwards.
     */
    invokeDeadlineMs: z.number().int().min(1).default(8_000),
    /**
     * How many message turns run at once after their HTTP answer; the rest wait their turn (after-ack.ts), so
     * a burst of messages cannot slow the answers to the requests still arriving.
     */
    afterAckConcurrency: z.number().int().min(1).max(100).default(8),
  })
  .refine((settings) => settings.appId !== undefined || settings.appPassword === undefined, {
    message: 'an app password needs an app id',
  })
  .refine((settings) => settings.appType !== 'SingleTenant' || settings.appTenantId !== undefined, {
    message: 'a SingleTenant bot needs its tenant id',
  })
  .refine(
    (settings) =>
      settings.appType !== 'UserAssignedMSI' ||
      (settings.appTenantId !== undefined && settings.appPassword === undefined),
    { message: 'a managed-identity bot needs a tenant id and no password' },
  )
  .refine(
    (settings) =>
      settings.appId === undefined ||
      settings.appType === 'UserAssignedMSI' ||
      settings.appPassword !== undefined,
    { message: 'a bot with an app id needs its app password (or appType UserAssignedMSI)' },
  );

export type TeamsSettingsInput = z.input<typeof teamsSettingsSchema>;
export type TeamsSettings = z.output<typeof teamsSettingsSchema>;

/** The app id as botbuilder's proactive calls want it: '' when anonymous. */
export function botAppId(settings: TeamsSettings): string {
  return settings.appId ?? '';
}

export function isAnonymous(settings: TeamsSettings): boolean {
  return settings.appId === undefined;
}

/**
 * The options ConfigurationBotFrameworkAuthentication reads. The app password is revealed here and nowhere
 * else in the Teams adapter. The keys are botbuilder's (MicrosoftAppType spells managed identity
 * "UserAssignedMsi").
 */
export function botFrameworkAuthOptions(
  settings: TeamsSettings,
): ConfigurationBotFrameworkAuthenticationOptions {
  if (settings.appId === undefined) return {};
  const appType = settings.appType ?? (settings.appTenantId === undefined ? 'MultiTenant' : 'SingleTenant');
  return {
    MicrosoftAppId: settings.appId,
    MicrosoftAppType: appType === 'UserAssignedMSI' ? 'UserAssignedMsi' : appType,
    ...(settings.appPassword === undefined ? {} : { MicrosoftAppPassword: settings.appPassword.reveal() }),
    ...(settings.appTenantId === undefined ? {} : { MicrosoftAppTenantId: settings.appTenantId }),
  };
}
