import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlayground, type RunningPlayground } from '../../bot/playground/process.js';
import {
  PlaygroundClient,
  type PlaygroundAction,
  type PlaygroundConfig,
  type PlaygroundStream,
} from '../../sandbox/teams/playground-client.js';
import { validateAdaptiveCard } from '../cards/support/adaptive-validator.js';
import { directoryUser } from '../support/engine.js';
import { startCoreTeamsHarness, type CoreTeamsHarness } from './core-setup.js';
import { cardText } from './harness.js';

/**
 * Microsoft 365 Agents Playground drives the Teams adapter unmodified, on the real chat core and engine: what
 * its user types goes through the Playground's own conversation API to /api/messages (anonymous local mode),
 * and the bot's cards come back to the Playground's connector and out of its conversation stream.
 */
const NEW_USER = 'playground.new@contoso.com';

describe('Teams adapter driven by Microsoft 365 Agents Playground', () => {
  let setup: CoreTeamsHarness;
  let playground: RunningPlayground;
  let client: PlaygroundClient;
  let stream: PlaygroundStream;
  let config: PlaygroundConfig;
  const workDir = mkdtempSync(join(tmpdir(), 'teams-playground-'));

  beforeAll(async () => {
    setup = await startCoreTeamsHarness(import.meta.url);
    await setup.engine.repositories.users.insert(directoryUser(NEW_USER));
    const botEndpoint = `${setup.teams.http.url}/api/messages`;
    playground = await startPlayground({ botEndpoint, port: 0, workDir });
    client = new PlaygroundClient(playground.url);
    stream = await client.openStream();
    config = await client.config();
  });
  afterAll(async () => {
    stream.close();
    await playground.stop();
    await setup.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  const fromBot = (action: PlaygroundAction) => action.message?.from.id === config.bot.id;

  /** The card a Playground message shows now: its last create or update in the stream. */
  function shown(messageId: string): unknown {
    const versions = stream.actions.filter((action) => action.message?.messageId === messageId);
    return versions.at(-1)?.message?.attachments?.[0]?.content;
  }

  const botMessages = () =>
    stream.actions.filter((action) => action.action === 'createMessage' && fromBot(action));

  /** Types `text` as the Playground's user and waits for the bot's new message; its id. */
  async function type(text: string): Promise<string> {
    const before = botMessages().length;
    await client.sendMessage(config.personalChat.id, config.currentUser.id, text);
    await stream.waitFor(() => botMessages().length > before);
    await setup.core.idle();
    return botMessages()[before]?.message?.messageId ?? '';
  }

  it('answers "help" typed in the Playground with the help card', async () => {
    const messageId = await type('help');
    const card = shown(messageId);
    expect(validateAdaptiveCard(card)).toEqual([]);
    expect(cardText(card)).toContain('password-reset');
  });

  it('runs a bind the Playground user confirms on the plan card, and shows the result there', async () => {
    const messageId = await type(`bind ${NEW_USER} --no-welcome`);
    await stream.waitFor(() => /"verb":"approve"/.test(JSON.stringify(shown(messageId))));
    const request = /"verb":"approve","data":\{"request":"([^"]+)"/.exec(
      JSON.stringify(shown(messageId)),
    )?.[1];
    expect(setup.engine.sandbox.inspection.users().some((user) => user.userPrincipalName === NEW_USER)).toBe(
      false,
    );

    const answer = await client.executeCardAction({
      conversationId: config.personalChat.id,
      fromUserId: config.currentUser.id,
      replyToId: messageId,
      verb: 'approve',
      data: { request },
    });
    await setup.core.idle();

    expect(JSON.stringify(answer)).toContain('AdaptiveCard');
    expect(setup.engine.sandbox.inspection.users().some((user) => user.userPrincipalName === NEW_USER)).toBe(
      true,
    );
    await stream.waitFor(() => /Done/.test(cardText(shown(messageId))));
  });
});
