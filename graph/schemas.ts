import { z } from 'zod';
import { GraphUnexpectedResponseError } from '../commands/errors.js';
import { m365UserSchema, subscribedSkuSchema } from '../commands/engine/m365.js';

/**
 * The shapes of the Graph responses the gateway relies on, parsed with zod at the response boundary. Unknown
 * members are ignored (Graph adds properties over time); a missing member the product relies on is
 * GraphUnexpectedResponseError, naming the field path but never its value.
 */
export const userCollectionSchema = z.object({
  value: z.array(m365UserSchema),
  '@odata.nextLink': z.string().optional(),
});

export const subscribedSkusSchema = z.object({ value: z.array(subscribedSkuSchema) });

export const organizationSchema = z.object({
  value: z
    .array(z.object({ id: z.string().min(1), displayName: z.string().nullable().optional() }).loose())
    .min(1),
});

export const domainsSchema = z.object({
  value: z.array(
    z
      .object({
        id: z.string().min(1),
        authenticationType: z.string(),
        isDefault: z.boolean(),
        isInitial: z.boolean(),
        isVerified: z.boolean(),
      })
      .loose(),
  ),
});

/** GET /users/$count answers text/plain with a number. */
export const userCountSchema = z.union([
  z.number().int().min(0),
  z
    .string()
    .regex(/^\s*\d+\s*$/)
    .transform(Number),
]);

export function parseResponse<T extends z.ZodType>(schema: T, body: unknown, operation: string): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.code}`);
  throw new GraphUnexpectedResponseError(operation, problems.join('; '));
}
