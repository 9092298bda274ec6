import { z } from 'zod';

/** Tenant size presets and their published identity RU budgets per app+tenant per 10 s (graph-behaviour §7). */
export const TENANT_SIZES = {
  S: { maxUsers: 49, resourceUnitsPer10s: 3500 },
  M: { maxUsers: 500, resourceUnitsPer10s: 5000 },
  L: { maxUsers: Number.POSITIVE_INFINITY, resourceUnitsPer10s: 8000 },
} as const;
export type TenantSize = keyof typeof TENANT_SIZES;

/** Every Graph application permission the sandbox understands (arrives in the token's `roles` claim). */
export const GRAPH_PERMISSIONS = [
  'User.Read.All',
  'User.ReadWrite.All',
  'User.EnableDisableAccount.All',
  'User-PasswordProfile.ReadWrite.All',
  'User.RevokeSessions.All',
  'User.DeleteRestore.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'Organization.Read.All',
  'Domain.Read.All',
  'LicenseAssignment.ReadWrite.All',
  'Mail.Send',
] as const;
export type GraphPermission = (typeof GRAPH_PERMISSIONS)[number];

const faultsSchema = z
  .object({
    /** Extra latency per request, uniform in [minMs, maxMs] real milliseconds. */
    latency: z.object({ minMs: z.number().min(0), maxMs: z.number().min(0) }).optional(),
    /** Share of requests answered 503 or 504 (half each) with a Retry-After. */
    serverErrorRate: z.number().min(0).max(1).default(0),
    /** Share of requests whose connection is destroyed after the response headers were sent. */
    connectionResetRate: z.number().min(0).max(1).default(0),
    /** While true, every Graph request (and every batch item) gets 429. */
    throttleStorm: z.boolean().default(false),
  })
  .default({ serverErrorRate: 0, connectionResetRate: 0, throttleStorm: false });
export type FaultOptions = z.infer<typeof faultsSchema>;

export const sandboxOptionsSchema = z.object({
  port: z.number().int().min(0).max(65535).default(0),
  tenantId: z.uuid().default('7f0c5a2e-4d8b-4a51-9c3e-2b6f1d9e8a40'),
  clientId: z.uuid().default('3c1d9b7a-52e4-4f0a-8d6b-9a2e7c4f1b05'),
  clientSecret: z.string().min(1).default('sandbox-client-secret'),
  /** Verified domains; the first is the default. `<tenant>.onmicrosoft.com` is always added as the initial domain. */
  domains: z.array(z.string().min(3)).min(1).default(['contoso.com']),
  initialDomain: z.string().default('contoso.onmicrosoft.com'),
  /** Partner-managed (GoDaddy-style): the custom domains are federated to the partner and directory writes are refused. */
  partnerManaged: z.boolean().default(false),
  /** Users to seed: a preset size (S 25, M 300, L 2,000 users), an exact count, or 'demo'. */
  size: z.union([z.enum(['S', 'M', 'L', 'demo']), z.number().int().min(0).max(100_000)]).default('S'),
  seed: z.number().int().default(1),
  /** Sandbox seconds per real second. */
  timeScale: z.number().positive().default(1),
  grantedPermissions: z
    .array(z.enum(GRAPH_PERMISSIONS))
    .default([
      'User.ReadWrite.All',
      'User.RevokeSessions.All',
      'Organization.Read.All',
      'Domain.Read.All',
      'LicenseAssignment.ReadWrite.All',
      'Mail.Send',
    ]),
  /** Whether the app's service principal holds the User Administrator role (needed to set passwords). */
  userAdministratorRole: z.boolean().default(true),
  /** 'published' = Microsoft's limits for the tenant size; 'off' = no throttling (unit tests of other behaviour). */
  throttling: z.enum(['published', 'off']).default('published'),
  tokenLifetimeSeconds: z.number().int().positive().default(3599),
  /** How long a deleted user's mail address stays held (sandbox ms); the seed says "up to 24 hours". */
  addressHoldMs: z
    .number()
    .int()
    .min(0)
    .default(24 * 60 * 60 * 1000),
  faults: faultsSchema,
  /** Expose the inspection API over HTTP under /_sandbox (tests only). */
  exposeInspection: z.boolean().default(false),
});
export type SandboxOptionsInput = z.input<typeof sandboxOptionsSchema>;
export type SandboxOptions = z.infer<typeof sandboxOptionsSchema>;
