import { createHash, randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { JWTPayload } from 'jose';
import type { SandboxClock } from '../clock.js';
import type { SigningKeys } from './keys.js';

/** Graph's resource identifier: the `aud` of every access token for Graph (v1 tokens carry the URI). */
export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';

/** What the Graph side needs from a valid token. */
export interface AppTokenClaims {
  appId: string;
  tenantId: string;
  roles: readonly string[];
}

export type TokenCheck = { ok: true; claims: AppTokenClaims } | { ok: false; message: string };

export interface TokenServiceSettings {
  tenantId: string;
  clientId: string;
  lifetimeSeconds: number;
  /** Application permissions consented for the app, copied into the `roles` claim. */
  roles: readonly string[];
}

// InvalidAuthenticationToken messages. "empty" and "expired" are the documented ones (graph-behaviour §3);
// the others are as reported by Graph users [community] and tests must not depend on them.
const MESSAGES = {
  empty: 'Access token is empty.',
  expired: 'Access token has expired or is not yet valid.',
  malformed: 'CompactToken parsing failed with error code: 80049217',
  signature: 'Signature is invalid.',
  audience: 'Access token validation failure. Invalid audience.',
  generic: 'Access token validation failure.',
} as const;

const VERIFIED_CACHE_LIMIT = 1000;

/** Issues and verifies the sandbox's app-only access tokens (RS256, shaped like Entra v1 tokens for Graph). */
export class TokenService {
  private readonly issuer: string;
  /** uti of every token issued since the last revocation, and the uti of every revoked token. */
  private readonly liveTokenIds = new Set<string>();
  private readonly revokedTokenIds = new Set<string>();
  /** Signature checks are the costly part; a verified token's claims are remembered (expiry is rechecked). */
  private readonly verified = new Map<string, JWTPayload>();

  constructor(
    private readonly keys: SigningKeys,
    private readonly clock: SandboxClock,
    private readonly settings: TokenServiceSettings,
  ) {
    this.issuer = `https://sts.windows.net/${settings.tenantId}/`;
  }

  async issue(): Promise<{ accessToken: string; expiresIn: number }> {
    const issuedAt = Math.floor(this.clock.now() / 1000);
    const expiresIn = this.settings.lifetimeSeconds;
    const tokenId = randomUUID();
    // The service principal's object id: stable per app and tenant, like the real one.
    const servicePrincipalId = stableGuid(`${this.settings.tenantId}/${this.settings.clientId}`);
    const accessToken = await new SignJWT({
      appid: this.settings.clientId,
      appidacr: '1',
      idp: this.issuer,
      idtyp: 'app',
      oid: servicePrincipalId,
      roles: [...this.settings.roles],
      tid: this.settings.tenantId,
      uti: tokenId,
      ver: '1.0',
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.keys.kid })
      .setIssuer(this.issuer)
      .setAudience(GRAPH_AUDIENCE)
      .setSubject(servicePrincipalId)
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(issuedAt + expiresIn)
      .sign(this.keys.privateKey);
    this.liveTokenIds.add(tokenId);
    return { accessToken, expiresIn };
  }

  /** Invalidates every token issued so far (new tokens from the token endpoint are valid again). */
  revokeAll(): void {
    for (const tokenId of this.liveTokenIds) this.revokedTokenIds.add(tokenId);
    this.liveTokenIds.clear();
    this.verified.clear();
  }

  /** Checks an Authorization header value the way Graph does; the failure message goes into the 401 body. */
  async verify(authorization: string | undefined): Promise<TokenCheck> {
    const token = /^Bearer\s+(.*)$/i.exec(authorization ?? '')?.[1]?.trim() ?? '';
    if (token === '') return { ok: false, message: MESSAGES.empty };
    const cached = this.verified.get(token);
    const checked = cached ? { payload: cached } : await this.verifySignature(token);
    if ('failure' in checked) return { ok: false, message: checked.failure };
    const { payload } = checked;
    const nowSeconds = this.clock.now() / 1000;
    if ((payload.exp ?? 0) <= nowSeconds || (payload.nbf ?? 0) > nowSeconds) {
      return { ok: false, message: MESSAGES.expired };
    }
    if (typeof payload['uti'] !== 'string' || this.revokedTokenIds.has(payload['uti'])) {
      return { ok: false, message: MESSAGES.generic };
    }
    return { ok: true, claims: claimsOf(payload) };
  }

  private async verifySignature(token: string): Promise<{ payload: JWTPayload } | { failure: string }> {
    try {
      // Lifetime is checked by the caller against the sandbox clock, so the cache can hold the payload.
      const { payload } = await jwtVerify(token, this.keys.publicKey, {
        algorithms: ['RS256'],
        issuer: this.issuer,
        audience: GRAPH_AUDIENCE,
        currentDate: new Date(this.clock.now()),
        clockTolerance: Number.MAX_SAFE_INTEGER,
      });
      if (this.verified.size >= VERIFIED_CACHE_LIMIT) this.verified.clear();
      this.verified.set(token, payload);
      return { payload };
    } catch (error) {
      return { failure: failureMessage(error) };
    }
  }
}

function failureMessage(error: unknown): string {
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return MESSAGES.malformed;
  if (error instanceof errors.JWSSignatureVerificationFailed) return MESSAGES.signature;
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') return MESSAGES.audience;
  return MESSAGES.generic;
}

function claimsOf(payload: JWTPayload): AppTokenClaims {
  const roles = Array.isArray(payload['roles'])
    ? payload['roles'].filter((role): role is string => typeof role === 'string')
    : [];
  return {
    appId: typeof payload['appid'] === 'string' ? payload['appid'] : '',
    tenantId: typeof payload['tid'] === 'string' ? payload['tid'] : '',
    roles,
  };
}

/** A GUID-shaped value derived from a string (deterministic ids for sandbox-side objects). */
export function stableGuid(source: string): string {
  const hex = createHash('sha256').update(source).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
