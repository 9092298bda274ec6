import { z } from 'zod';
import { graphAppConnectionSchema } from './connection.js';
import { MAX_BATCH_ITEMS } from './batcher.js';

/**
 * Settings of the Graph gateway. Everything but `connection` has a default that suits Microsoft's published
 * limits; tests and benchmarks tune the rest.
 */
export const gatewaySettingsSchema = z.object({
  connection: graphAppConnectionSchema,
  limits: z
    .object({
      /**
       * The tenant's size decides its resource-unit budget (S < 50 users 3,500, M ≤ 500 5,000, L 8,000 RU per
       * 10 s). 'auto' asks Graph once for the user count (GET /users/$count, 1 RU) and uses S until it knows.
       */
      tenantSize: z.enum(['S', 'M', 'L', 'auto']).default('auto'),
      /** Share of each published limit kept in reserve for timing differences and other clients. */
      safetyMargin: z.number().min(0).max(0.5).default(0.02),
      /** HTTP requests in flight at once (a $batch envelope counts once). */
      maxConcurrentRequests: z.number().int().min(1).max(64).default(8),
      /** Retries of one call after 503/504/lost connection before it fails with GraphUnavailableError. */
      maxTransientRetries: z.number().int().min(0).max(50).default(5),
      /** Accumulated Retry-After (Graph ms) one call may wait through before it fails with GraphThrottledError. */
      maxThrottleWaitMs: z
        .number()
        .int()
        .positive()
        .default(15 * 60_000),
    })
    .prefault({}),
  batching: z
    .object({
      enabled: z.boolean().default(true),
      /** Real milliseconds the first call of a batch waits for others to join (0 = the same tick). */
      windowMs: z.number().min(0).max(1_000).default(2),
      maxItems: z.number().int().min(1).max(MAX_BATCH_ITEMS).default(MAX_BATCH_ITEMS),
    })
    .prefault({}),
});

export type GatewaySettings = z.output<typeof gatewaySettingsSchema>;
export type GatewaySettingsInput = z.input<typeof gatewaySettingsSchema>;
