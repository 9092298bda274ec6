import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SLASH_COMMAND } from '../../manifest/commands.js';

/** The Slack app manifest (chat-platforms §1.8): parses, and declares what the bot serves and no more. */
const manifestSchema = z.object({
  display_information: z
    .object({ name: z.string().min(1).max(35), description: z.string().max(140) })
    .loose(),
  features: z
    .object({
      bot_user: z.object({ display_name: z.string().min(1) }).loose(),
      slash_commands: z.array(
        z
          .object({
            command: z.string().max(32),
            url: z.url(),
            description: z.string(),
            usage_hint: z.string().min(1),
            should_escape: z.boolean(),
          })
          .loose(),
      ),
    })
    .loose(),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }) }),
  settings: z
    .object({
      event_subscriptions: z.object({ request_url: z.url(), bot_events: z.array(z.string()) }),
      interactivity: z.object({ is_enabled: z.boolean(), request_url: z.url() }),
      socket_mode_enabled: z.boolean(),
    })
    .loose(),
});

const manifest = manifestSchema.parse(
  JSON.parse(readFileSync(new URL('../../manifest/slack/manifest.json', import.meta.url), 'utf8')),
);

describe('Slack app manifest', () => {
  it('declares the bot’s slash command, with a usage hint', () => {
    expect(manifest.features.slash_commands.map((command) => command.command)).toEqual([SLASH_COMMAND]);
  });

  it('asks Slack to escape mentions in the command text, so `admins grant @user` arrives as a user id', () => {
    expect(manifest.features.slash_commands.every((command) => command.should_escape)).toBe(true);
  });

  it('asks for the minimal bot scopes', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        'app_mentions:read',
        'chat:write',
        'commands',
        'files:write',
        'im:history',
        'im:write',
        'users:read',
      ].sort(),
    );
  });

  it('sends commands, events (app_mention, message.im) and interactions to the bot’s Slack endpoint over HTTP', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([
      'app_mention',
      'message.im',
    ]);
    const urls = [
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
      ...manifest.features.slash_commands.map((command) => command.url),
    ];
    for (const url of urls) expect(new URL(url).pathname).toBe('/slack/events');
  });
});
