import { z } from 'zod';

/**
 * A secret the gateway accepts either as plain text (tests, the sandbox) or wrapped so that it never prints
 * (bot/secret.ts `Secret`); it is revealed only where MSAL's configuration is built (graph/client.ts).
 */
export interface RevealableSecret {
  reveal(): string;
}
export type SecretInput = string | RevealableSecret;

function isRevealable(value: unknown): value is RevealableSecret {
  return (
    typeof value === 'object' && value !== null && 'reveal' in value && typeof value.reveal === 'function'
  );
}

const secretSchema = z.union([
  z.string().min(1),
  z.custom<RevealableSecret>(isRevealable, { message: 'expected a string or a Secret' }),
]);

export function revealSecret(secret: SecretInput): string {
  return typeof secret === 'string' ? secret : secret.reveal();
}

/**
 * Certificate credentials (Entra "Certificates & secrets" → Certificates): the thumbprint of the uploaded
 * certificate in hex — SHA-256 (64 digits, preferred by msal-node) or the SHA-1 thumbprint Entra displays
 * (40 digits) — and the PEM private key (`-----BEGIN PRIVATE KEY-----`).
 */
const clientCertificateSchema = z.object({
  thumbprint: z
    .string()
    .transform((value) => value.replace(/[\s:]/g, '').toLowerCase())
    .pipe(z.string().regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/, 'expected a 40- or 64-digit hex thumbprint')),
  privateKey: secretSchema,
  /** Optional public certificate chain (PEM) for subject-name/issuer authentication. */
  x5c: z.string().min(1).optional(),
});
export type ClientCertificate = z.infer<typeof clientCertificateSchema>;

const endpointFields = {
  tenantId: z.string().min(1),
  clientId: z.string().min(1),
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
};

/**
 * Everything needed to reach Microsoft Graph as an app (client credentials) with a plain-text client secret:
 * the shape the sandbox hands out (`sandbox.connection()`). For the sandbox, `knownAuthorities` and
 * `authorityMetadata` point MSAL at the sandbox token endpoint without any call to login.microsoftonline.com
 * (builder-notes §3). Production settings use {@link graphAppConnectionSchema}, of which this is a special case.
 */
export const graphConnectionSchema = z.object({ ...endpointFields, clientSecret: z.string().min(1) });

export type GraphConnection = z.infer<typeof graphConnectionSchema>;
export type GraphConnectionInput = z.input<typeof graphConnectionSchema>;

/**
 * The app's connection with exactly one credential: a client secret (plain text or a `Secret` that is only
 * revealed when MSAL is configured) or a certificate. Every GraphConnection is a valid GraphAppConnection.
 * (graphConnectionSchema keeps `clientSecret: string` because tests read it as text.)
 */
export const graphAppConnectionSchema = z
  .object({
    ...endpointFields,
    clientSecret: secretSchema.optional(),
    clientCertificate: clientCertificateSchema.optional(),
  })
  .refine(
    (connection) => (connection.clientSecret === undefined) !== (connection.clientCertificate === undefined),
    { message: 'give exactly one credential: clientSecret or clientCertificate', path: ['clientSecret'] },
  );

export type GraphAppConnection = z.infer<typeof graphAppConnectionSchema>;
export type GraphAppConnectionInput = z.input<typeof graphAppConnectionSchema>;
