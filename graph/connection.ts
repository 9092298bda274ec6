import { z } from 'zod';

/**
 * Everything needed to reach Microsoft Graph as an app (client credentials). The same shape describes the real
 * service and the loopback sandbox: for the sandbox, `knownAuthorities` and `authorityMetadata` point MSAL at
 * the sandbox token endpoint without any call to login.microsoftonline.com (builder-notes §3).
 */
export const graphConnectionSchema = z.object({
  tenantId: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** MSAL requires https here even for the sandbox; the sandbox authority is never contacted. */
  authority: z.url({ protocol: /^https$/ }),
  /** Host names (host:port) MSAL may trust without instance discovery. */
  knownAuthorities: z.array(z.string().min(1)).optional(),
  /** OpenID configuration as a JSON string (token_endpoint, authorization_endpoint, issuer, jwks_uri). */
  authorityMetadata: z.string().min(2).optional(),
  /** Graph root without the version, ending in '/'. */
  graphBaseUrl: z
    .url({ protocol: /^https?$/ })
    .refine((url) => url.endsWith('/'), 'graphBaseUrl must end with "/"')
    .default('https://graph.microsoft.com/'),
});

export type GraphConnection = z.infer<typeof graphConnectionSchema>;
export type GraphConnectionInput = z.input<typeof graphConnectionSchema>;
