import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SignJWT } from 'jose';
import { Secret } from '../../bot/secret.js';
import { createSigningKeys } from '../../sandbox/token/keys.js';
import { FIRST_ADMIN, LOCAL_TENANT_ID } from '../../sandbox/teams/playground-users.js';
import { RecordingChatOps, startTeamsHarness, type TeamsHarness } from './harness.js';

/**
 * With a MicrosoftAppId configured, botbuilder's own JWT validation guards /api/messages: a request without a
 * valid Bot Framework token gets 401 and no bot code runs. (Tokens are refused before any key lookup, so no
 * request leaves the machine.)
 */
describe('Teams endpoint with an app id', () => {
  const appId = '5b2e0c1d-7a34-4e8f-9b21-6c0d4e3f2a19';
  const chatOps = new RecordingChatOps();
  let harness: TeamsHarness;

  beforeAll(async () => {
    harness = await startTeamsHarness(chatOps, {
      settings: { appId, appPassword: new Secret('not-a-real-password'), appTenantId: LOCAL_TENANT_ID },
    });
    // CloudAdapter.process prints every refused request with console.error.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await harness.close();
  });

  it('is not in local mode', () => {
    expect(harness.endpoint.anonymous).toBe(false);
  });

  it('refuses an activity without a token with 401 and runs nothing', async () => {
    const answer = await harness.deliver(harness.connector.inbound.personalMessage(FIRST_ADMIN, 'help'));
    expect(answer.status).toBe(401);
    expect(chatOps.commands).toEqual([]);
    expect(harness.connector.sent()).toEqual([]);
  });

  it('refuses a malformed bearer token and a self-signed one from another issuer with 401', async () => {
    const keys = await createSigningKeys();
    const forged = await new SignJWT({ appid: appId, serviceurl: harness.connector.serviceUrl })
      .setProtectedHeader({ alg: 'RS256', kid: keys.kid })
      .setIssuer('https://attacker.example/')
      .setAudience(appId)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(keys.privateKey);
    for (const authorization of ['Bearer not-a-jwt', `Bearer ${forged}`]) {
      const activity = harness.connector.inbound.personalMessage(FIRST_ADMIN, 'admins list');
      const answer = await harness.deliver(activity, { authorization });
      expect(answer.status).toBe(401);
    }
    expect(chatOps.commands).toEqual([]);
  });

  it('refuses a card click without a token with 401, so no action runs', async () => {
    const inbound = harness.connector.inbound.personalMessage(FIRST_ADMIN, 'x');
    const invoke = harness.connector.inbound.cardAction(FIRST_ADMIN, {
      conversationId: inbound.conversation.id,
      replyToId: '1',
      verb: 'approve',
      data: { requestId: 'r-1' },
    });
    expect((await harness.deliver(invoke)).status).toBe(401);
    expect(chatOps.actions).toEqual([]);
  });
});
