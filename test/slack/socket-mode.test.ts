import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { createSlackAdapter, type SlackAdapter } from '../../bot/slack/app.js';
import { Secret } from '../../bot/secret.js';
import { ChatPlatformAuthError } from '../../commands/errors.js';
import { startSlackApi, type SlackApi } from '../../sandbox/slack/api.js';
import { eventually, IT_OPS, NORA, RecordingChatOps, SIGNING_SECRET, TEAM } from './harness.js';
import { startSocketModeStandIn, type SocketModeStandIn } from './socket-mode-stand-in.js';

/** With an app-level token the adapter runs over Socket Mode: no HTTP route, envelopes acked over the socket. */

const APP_TOKEN = 'xapp-1-A0APPLOCAL-1000-socketmodetoken';
const logger = pino({ level: 'silent' });

describe('Slack adapter over Socket Mode', () => {
  const ops = new RecordingChatOps();
  let api: SlackApi;
  let socketMode: SocketModeStandIn;
  let adapter: SlackAdapter;

  const create = (appToken: string) =>
    createSlackAdapter(
      {
        signingSecret: new Secret(SIGNING_SECRET),
        botToken: new Secret(api.options.bot.token),
        appToken: new Secret(appToken),
        apiUrl: socketMode.apiUrl,
        botId: api.options.bot.botId,
        botUserId: api.options.bot.userId,
      },
      { chatOps: ops, logger },
    );

  beforeAll(async () => {
    api = await startSlackApi();
    socketMode = await startSocketModeStandIn(api, APP_TOKEN);
    adapter = await create(APP_TOKEN);
    await adapter.start();
  });
  afterAll(async () => {
    await adapter.stop(5000);
    await socketMode.close();
    await api.close();
  });

  it('offers no HTTP route and connects over the socket instead', () => {
    expect(adapter.route).toBeUndefined();
    expect(socketMode.connected()).toBe(true);
  });

  it('acknowledges a slash command envelope over the socket and posts the reply card', async () => {
    socketMode.send({
      envelope_id: 'env-1',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        token: 'legacy-verification-token',
        team_id: TEAM,
        channel_id: IT_OPS,
        user_id: NORA,
        user_name: 'nora.lindqvist',
        command: '/m365',
        text: 'status nora@contoso.com',
        api_app_id: api.options.bot.appId,
        response_url: api.responseUrlFor(IT_OPS, NORA),
        trigger_id: '1.2.3',
      },
    });
    await eventually(() => socketMode.acks.includes('env-1'), 'the envelope to be acknowledged');
    await eventually(() => ops.commands.length === 1, 'the chat core to get the command');
    await adapter.idle();
    expect(ops.commands[0]?.text).toBe('status nora@contoso.com');
    expect(api.messages(IT_OPS).map((message) => message.text)).toContain(
      'You asked: status nora@contoso.com',
    );
  });

  it('stops with a clear error when Slack refuses the app-level token', async () => {
    const refused = await create('xapp-1-A0APPLOCAL-1000-wrongtoken');
    await expect(refused.start()).rejects.toBeInstanceOf(ChatPlatformAuthError);
    await refused.stop(100);
  });
});
