import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CardModel } from '../../cards/model.js';
import { renderAdaptiveCard } from '../../cards/render-adaptive.js';
import { renderBlockKit } from '../../cards/render-blockkit.js';
import { subscriptionId } from '../../commands/chat/commands/digest-subscribe.js';
import { localDay } from '../../commands/chat/digest.js';
import type { ConversationRef, MessageRef } from '../../commands/chat/types.js';
import { directoryUser, outOfBand } from '../support/engine.js';
import { validateAdaptiveCard } from '../cards/support/adaptive-validator.js';
import { validateBlockKitMessage } from '../cards/support/blockkit-validator.js';
import { CHANNEL, cardText, openChat, requestIdOf, USERS, type ChatHarness } from '../support/chat.js';

/** The daily digest: subscribe, what it says, one post per conversation and day. */

const TEST_ACTOR = { platform: 'test' as const, id: 'setup', displayName: 'Setup' };
const DAY_MS = 24 * 60 * 60 * 1000;
const USERS_BOUND = ['dig.a@contoso.com', 'dig.b@contoso.com', 'dig.c@contoso.com', 'dig.d@contoso.com'];
const id = subscriptionId(CHANNEL);
let chat: ChatHarness;

async function userId(email: string): Promise<string> {
  return (await chat.engine.repositories.users.findByEmail(email))?.id ?? '';
}

beforeAll(async () => {
  chat = await openChat(import.meta.url);
  const { users, bindings } = chat.engine.repositories;
  for (const email of USERS_BOUND) await users.insert(directoryUser(email));
  await chat.engine.engine.bind(USERS_BOUND, { actor: TEST_ACTOR, welcome: false });
  await chat.engine.engine.block(['dig.a@contoso.com'], { actor: TEST_ACTOR });
  const now = Date.now();
  await users.setPasswordState(await userId('dig.b@contoso.com'), {
    setAt: new Date(now - 100 * DAY_MS),
    expiresAt: new Date(now - DAY_MS),
    policyVersion: 1,
  });
  await chat.engine.engine.expirePassword(await userId('dig.b@contoso.com'));
  await users.setPasswordState(await userId('dig.c@contoso.com'), {
    setAt: new Date(now - 87 * DAY_MS),
    expiresAt: new Date(now + 3 * DAY_MS),
    policyVersion: 1,
  });
  await chat.engine.engine.bind(['not.in.directory@contoso.com'], { actor: TEST_ACTOR });
  const drifted = await bindings.get(await userId('dig.d@contoso.com'));
  await outOfBand(chat.engine.sandbox).updateUser(drifted?.m365Id ?? '', {
    jobTitle: 'Changed behind our back',
  });
  await chat.engine.engine.reconcile({ fix: false, actor: TEST_ACTOR });
  await chat.send(USERS.operator, 'block dig.d@contoso.com');
});
afterAll(async () => {
  await chat.close();
});

function fact(card: CardModel | undefined, label: string): string | undefined {
  return card?.facts.find((entry) => entry.label === label)?.value;
}

describe('digest subscribe', () => {
  it('stores the subscription and one repeating job at the local time, after confirmation', async () => {
    const sent = await chat.send(USERS.admin, 'digest subscribe 08:30 Europe/Paris');
    const message = sent.message as MessageRef;
    expect(cardText(chat.card(message))).toContain('Time zone: Europe/Paris');
    expect(await chat.stores.subscriptions.get(id)).toBeNull();
    await chat.click(USERS.admin, message, 'approve', { request: requestIdOf(chat.card(message)) });
    expect(await chat.stores.subscriptions.get(id)).toMatchObject({
      time: '08:30',
      timeZone: 'Europe/Paris',
      conversation: CHANNEL,
      lastPostedDay: null,
    });
    expect(chat.jobs.digests.get(id)).toEqual({ time: '08:30', timeZone: 'Europe/Paris' });
  });
});

describe('the digest', () => {
  let card: CardModel | undefined;

  it('posts counts, expiring passwords, failures, pending approvals and drift, with a chart', async () => {
    const posts = chat.surface.posts.length;
    expect(await chat.core.postDigest(id)).toBe('posted');
    expect(chat.surface.posts).toHaveLength(posts + 1);
    const posted = chat.surface.posts.at(-1);
    expect(posted?.message.conversation).toEqual(CHANNEL);
    card = posted?.card;
    expect(card?.title).toBe(`Daily digest, ${localDay(chat.clock.now(), 'Europe/Paris')}`);
    expect(fact(card, 'Bound')).toBe('2');
    expect(fact(card, 'Blocked')).toBe('1');
    expect(fact(card, 'Suspended (password expired)')).toBe('1');
    expect(fact(card, 'Passwords expiring in 7 days')).toBe('2');
    expect(Number(fact(card, 'Failures in the last 24 h'))).toBeGreaterThanOrEqual(1);
    expect(fact(card, 'Pending approvals')).toBe('1');
    expect(fact(card, 'Drift at the last reconcile')).toMatch(/^1 \(/);
    expect(card?.chart?.series.map((point) => [point.label, point.value])).toEqual([
      ['Bound', 2],
      ['Blocked', 1],
      ['Suspended', 1],
      ['Expiring 7 d', 2],
      ['Failures 24 h', Number(fact(card, 'Failures in the last 24 h'))],
      ['Pending approvals', 1],
      ['Drift', 1],
    ]);
    expect(cardText(card as CardModel)).toContain('not.in.directory@contoso.com');
  });

  it('draws the chart in Teams and as text bars in Slack, both valid', () => {
    const adaptive = renderAdaptiveCard(card as CardModel);
    expect(validateAdaptiveCard(adaptive.card)).toEqual([]);
    expect(JSON.stringify(adaptive.card)).toContain('Chart.');
    const slack = renderBlockKit(card as CardModel);
    expect(validateBlockKitMessage(slack)).toEqual([]);
    expect(JSON.stringify(slack.blocks)).toMatch(/Bound +▓+/);
  });

  it('posts once per conversation and day', async () => {
    const posts = chat.surface.posts.length;
    const results = await Promise.all([chat.core.postDigest(id), chat.core.postDigest(id)]);
    expect(results).toEqual(['already-posted', 'already-posted']);
    expect(chat.surface.posts).toHaveLength(posts);
    chat.clock.advance(DAY_MS);
    const next = await Promise.all([chat.core.postDigest(id), chat.core.postDigest(id)]);
    expect(next.sort()).toEqual(['already-posted', 'posted']);
    expect(chat.surface.posts).toHaveLength(posts + 1);
  });

  it('gives the day back when the post fails, so the next run posts it', async () => {
    chat.clock.advance(DAY_MS);
    const post = chat.surface.post.bind(chat.surface);
    chat.surface.post = () => Promise.reject(new Error('channel not found'));
    await expect(chat.core.postDigest(id)).rejects.toThrow('channel not found');
    chat.surface.post = post;
    expect(await chat.core.postDigest(id)).toBe('posted');
  });

  it('stops after unsubscribe', async () => {
    const sent = await chat.send(USERS.admin, 'digest unsubscribe');
    const message = sent.message as MessageRef;
    await chat.click(USERS.admin, message, 'approve', { request: requestIdOf(chat.card(message)) });
    expect(await chat.stores.subscriptions.get(id)).toBeNull();
    expect(chat.jobs.digests.has(id)).toBe(false);
    expect(await chat.core.postDigest(id)).toBe('no-subscription');
    const again = await chat.send(USERS.admin, 'digest unsubscribe');
    expect(cardText(chat.card(again.message))).toContain('This conversation has no daily digest.');
  });

  it('subscribes a personal chat with the default time and zone', async () => {
    const personal: ConversationRef = { platform: 'teams', id: 'a:personal-admin', kind: 'personal' };
    const sent = await chat.send(USERS.admin, 'digest subscribe', { conversation: personal });
    const message = sent.message as MessageRef;
    await chat.click(USERS.admin, message, 'approve', { request: requestIdOf(chat.card(message)) });
    expect(chat.jobs.digests.get(subscriptionId(personal))).toEqual({ time: '09:00', timeZone: 'UTC' });
  });
});
