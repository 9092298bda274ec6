import { describe, expect, it } from '@jest/globals';
import type { Activity } from 'botbuilder';
import { Secret } from '../../bot/secret.js';
import { csvActivities, CSV_PARTS, transmitCard } from '../../bot/teams/card-activity.js';
import { RecentActivities } from '../../bot/teams/dedupe.js';
import { commandTextOf } from '../../bot/teams/requests.js';
import { backoffDelay, withConnectorRetry, type RetryPolicy } from '../../bot/teams/retry.js';
import { botFrameworkAuthOptions, teamsSettingsSchema } from '../../bot/teams/settings.js';
import { card, cardOf, cardText } from './harness.js';

/** The adapter's pure parts: size fallback, CSV splitting, backoff rules, dedupe window, settings. */

class ConnectorRefusal extends Error {
  constructor(
    readonly statusCode: number,
    retryAfter?: string,
  ) {
    super(`HTTP ${statusCode}`);
    this.response = { headers: new Headers(retryAfter === undefined ? {} : { 'retry-after': retryAfter }) };
  }
  readonly response: { headers: Headers };
}

function countingPolicy(): RetryPolicy & { waits: number[] } {
  const waits: number[] = [];
  return {
    attempts: 3,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    random: () => 1,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    waits,
  };
}

function failing(errors: Error[], calls: { count: number }): Promise<string> {
  calls.count += 1;
  const error = errors.shift();
  return error ? Promise.reject(error) : Promise.resolve('sent');
}

describe('Bot Connector backoff', () => {
  it('retries 412 and a 429 without Retry-After, with jittered waits', async () => {
    const policy = countingPolicy();
    const calls = { count: 0 };
    const errors = [new ConnectorRefusal(412), new ConnectorRefusal(429)];
    const result = await withConnectorRetry(() => failing(errors, calls), policy);
    expect(result).toBe('sent');
    expect(calls.count).toBe(3);
    expect(policy.waits).toEqual([100, 200]);
  });

  it('does not retry a 429 that named Retry-After (botbuilder already waited), nor a 404', async () => {
    for (const error of [new ConnectorRefusal(429, '1'), new ConnectorRefusal(404)]) {
      const calls = { count: 0 };
      const errors = [error];
      await expect(withConnectorRetry(() => failing(errors, calls), countingPolicy())).rejects.toBe(error);
      expect(calls.count).toBe(1);
    }
  });

  it('gives up after the configured attempts', async () => {
    const calls = { count: 0 };
    const errors = [1, 2, 3, 4].map(() => new ConnectorRefusal(412));
    await expect(withConnectorRetry(() => failing(errors, calls), countingPolicy())).rejects.toMatchObject({
      statusCode: 412,
    });
    expect(calls.count).toBe(3);
  });

  it('spreads waits between half the base delay and the exponential ceiling', () => {
    const low = { ...countingPolicy(), random: () => 0 };
    const high = { ...countingPolicy(), random: () => 1 };
    expect(backoffDelay(3, low)).toBe(50);
    expect(backoffDelay(3, high)).toBe(800);
    expect(backoffDelay(10, high)).toBe(1_000);
  });
});

describe('card activities', () => {
  it('sends the card again in compact form when the connector answers 413', async () => {
    const big = card({
      title: 'Import preview',
      facts: Array.from({ length: 40 }, (_, n) => ({ label: `Fact ${n}`, value: 'v' })),
      buttons: [{ id: 'approve', label: 'Approve' }],
    });
    const sent: Partial<Activity>[] = [];
    const { result } = await transmitCard(big, (activity) => {
      sent.push(activity);
      return sent.length === 1 ? Promise.reject(new ConnectorRefusal(413)) : Promise.resolve('ok');
    });
    expect(result).toBe('ok');
    const compact = cardOf(sent[1]);
    expect(cardText(compact)).toContain('Shortened to fit the Teams message size limit.');
    expect(cardText(compact)).not.toContain('Fact 39');
    expect(JSON.stringify(compact)).toContain('"verb":"approve"');
  });

  it('passes any other refusal on', async () => {
    const refusal = new ConnectorRefusal(400);
    await expect(transmitCard(card({ title: 'x' }), () => Promise.reject(refusal))).rejects.toBe(refusal);
  });

  it('splits a long CSV at line ends into at most four cards and says how many lines were left out', () => {
    const line = `${'x'.repeat(95)}\r\n`;
    const activities = csvActivities('big.csv', line.repeat(1_000));
    expect(activities).toHaveLength(CSV_PARTS);
    const cards = activities.map((activity) => cardOf(activity as Record<string, unknown>));
    const csvTexts = cards.map((part) => {
      const body = part?.body as { type: string; inlines?: { text: string }[] }[];
      return body.find((element) => element.type === 'RichTextBlock')?.inlines?.[0]?.text ?? '';
    });
    for (const text of csvTexts) expect(text).toMatch(/^(x{95}\r\n)+$/);
    const shown = csvTexts.join('').split('\r\n').length - 1;
    expect(cardText(cards.at(-1))).toContain(`${1_000 - shown} more lines did not fit into Teams messages`);
  });

  it('sends an empty CSV as one card saying so', () => {
    expect(
      csvActivities('none.csv', '').map((activity) => cardText(cardOf(activity as Record<string, unknown>))),
    ).toEqual([expect.stringContaining('(empty)')]);
  });
});

describe('redelivery window', () => {
  it('runs a key once within the window and again after it', async () => {
    let now = 0;
    const recent = new RecentActivities<number>(1_000, () => now);
    let runs = 0;
    const work = () => Promise.resolve((runs += 1));
    expect(recent.once('a', work).first).toBe(true);
    const again = recent.once('a', work);
    expect(again.first).toBe(false);
    expect(await again.outcome).toBe(1);
    now = 1_001;
    expect(recent.once('a', work).first).toBe(true);
    expect(runs).toBe(2);
    expect(recent.size).toBe(1);
  });
});

describe('command text', () => {
  const recipient = { id: '28:bot', name: 'Bot' };
  const mention = { type: 'mention', text: '<at>Bot</at>', mentioned: recipient };

  it('drops the bot mention and the non-breaking spaces Teams puts around it', () => {
    const activity = { text: '<at>Bot</at>&nbsp;bind a@x.com\u00a0', recipient, entities: [mention] };
    expect(commandTextOf(activity as Partial<Activity>)).toBe('bind a@x.com');
  });

  it('reads a message without text (a card submit) or with only the mention as "help"', () => {
    expect(commandTextOf({ recipient })).toBe('help');
    expect(commandTextOf({ text: '<at>Bot</at>', recipient, entities: [mention] })).toBe('help');
  });
});

describe('Teams settings', () => {
  const appId = '5b2e0c1d-7a34-4e8f-9b21-6c0d4e3f2a19';
  const tenant = '7f0c5a2e-4d8b-4a51-9c3e-2b6f1d9e8a40';

  it('disables authentication without an app id (local mode)', () => {
    expect(botFrameworkAuthOptions(teamsSettingsSchema.parse({}))).toEqual({});
  });

  it('builds botbuilder options from our settings, a tenant making it single-tenant', () => {
    const settings = teamsSettingsSchema.parse({
      appId,
      appPassword: new Secret('pw-1'),
      appTenantId: tenant,
    });
    expect(botFrameworkAuthOptions(settings)).toEqual({
      MicrosoftAppId: appId,
      MicrosoftAppPassword: 'pw-1',
      MicrosoftAppTenantId: tenant,
      MicrosoftAppType: 'SingleTenant',
    });
    expect(JSON.stringify(settings)).not.toContain('pw-1');
  });

  it('refuses settings botbuilder would reject later: a password alone, an app id without a password', () => {
    expect(teamsSettingsSchema.safeParse({ appPassword: new Secret('x') }).success).toBe(false);
    expect(teamsSettingsSchema.safeParse({ appId }).success).toBe(false);
    expect(
      teamsSettingsSchema.safeParse({ appId, appType: 'UserAssignedMSI', appTenantId: tenant }).success,
    ).toBe(true);
  });
});
