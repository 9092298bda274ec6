import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlayground, type RunningPlayground } from '../../bot/playground/process.js';
import { PlaygroundClient, type PlaygroundStream } from '../../sandbox/teams/playground-client.js';
import { APPROVER, FIRST_ADMIN } from '../../sandbox/teams/playground-users.js';
import { startEchoBot, type EchoBot } from './teams-echo-bot.js';
import { listeningAddresses } from './teams-listening-sockets.js';

/**
 * Microsoft 365 Agents Playground drives an unmodified botbuilder bot: a message typed through the Playground's
 * own conversation API reaches the bot (anonymous CloudAdapter), and the bot's reply comes back to the
 * Playground's connector and out of its conversation stream.
 */
describe('Microsoft 365 Agents Playground, headless on loopback', () => {
  let bot: EchoBot;
  let playground: RunningPlayground;
  let client: PlaygroundClient;
  let stream: PlaygroundStream;
  const workDir = mkdtempSync(join(tmpdir(), 'playground-'));

  beforeAll(async () => {
    bot = await startEchoBot(async (context) => {
      const { text, from, conversation } = context.activity;
      await context.sendActivity(
        `echo: ${text} (from ${from.aadObjectId ?? '?'} in ${conversation.conversationType})`,
      );
    });
    playground = await startPlayground({ botEndpoint: bot.endpoint, port: 0, workDir });
    client = new PlaygroundClient(playground.url);
    stream = await client.openStream();
  });
  afterAll(async () => {
    stream.close();
    await playground.stop();
    await bot.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('uses the mock tenant of local mode: the first admin types, the approver is among the users', async () => {
    const config = await client.config();
    expect(config.currentUser.aadObjectId).toBe(FIRST_ADMIN.aadObjectId);
    expect(config.users.map((user) => user.aadObjectId)).toContain(APPROVER.aadObjectId);
  });

  it('sends a typed message to the bot and shows the bot reply it received on its connector', async () => {
    const config = await client.config();
    await client.sendMessage(config.personalChat.id, config.currentUser.id, 'hello playground');
    const reply = await stream.waitFor(
      (action) => action.action === 'createMessage' && action.message?.from.id === config.bot.id,
    );
    expect(reply.actionConversationId).toBe(config.personalChat.id);
    expect(reply.message?.text).toBe(`echo: hello playground (from ${FIRST_ADMIN.aadObjectId} in personal)`);
    expect(bot.turnErrors).toEqual([]);
  });

  it('listens on 127.0.0.1 only', () => {
    const addresses = listeningAddresses(playground.pid);
    expect(addresses).toContain(`127.0.0.1:${playground.port}`);
    expect(addresses.filter((address) => !address.startsWith('127.0.0.1:'))).toEqual([]);
  });

  it('writes its log where it was told, not into the working tree', () => {
    expect(readFileSync(playground.logFile, 'utf8')).toContain('hello playground');
  });
});
