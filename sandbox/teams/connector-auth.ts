import { createLocalJWKSet, jwtVerify } from 'jose';
import type { ConnectorOptions } from './connector-options.js';

/** The audience of tokens a bot gets for calling the Bot Connector. */
export const BOT_CONNECTOR_AUDIENCE = 'https://api.botframework.com';

/**
 * The Bot Connector's check of a bot's call: a Bearer JWT signed by a trusted key, for the connector's audience,
 * issued to the bot's app id (v1 tokens carry `appid`, v2 tokens `azp`). Returns null when allowed, else why not.
 */
export function createAuthCheck(
  auth: ConnectorOptions['auth'],
): (authorization: string | undefined) => Promise<string | null> {
  if (!auth) return () => Promise.resolve(null);
  const keys = createLocalJWKSet(auth.jwks);
  return async (authorization) => {
    const match = /^Bearer (\S+)$/.exec(authorization ?? '');
    if (!match?.[1]) return 'no bearer token';
    try {
      const { payload } = await jwtVerify(match[1], keys, { audience: BOT_CONNECTOR_AUDIENCE });
      const issuedTo = payload.appid ?? payload.azp;
      return issuedTo === auth.appId ? null : 'token issued to another app';
    } catch (error) {
      return error instanceof Error ? error.message : 'invalid token';
    }
  };
}
