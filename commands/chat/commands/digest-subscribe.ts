import { z } from 'zod';
import { ArgumentError } from '../arguments.js';
import { defineMutating } from '../command.js';
import { principalOf } from '../ports.js';
import { isTimeZone } from '../settings.js';
import type { ConversationRef } from '../types.js';

/**
 * digest subscribe [HH:MM TZ]: posts a daily digest in this conversation at the given local time (the
 * settings' default time and zone when left out). The zone is an IANA name checked with Intl; one repeating
 * job per subscription, and one post per conversation and day.
 */

export function subscriptionId(conversation: Pick<ConversationRef, 'platform' | 'id'>): string {
  return `${conversation.platform}:${conversation.id}`;
}

const TIME = /^(\d{1,2}):(\d{2})$/;

function normaliseTime(word: string): string {
  const match = TIME.exec(word);
  if (match === null) throw new ArgumentError(`"${word}" is not a time of day such as 09:30.`);
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59) throw new ArgumentError(`"${word}" is not a time of day such as 09:30.`);
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

export const digestSubscribe = defineMutating({
  name: 'digest subscribe',
  summary: 'Posts a daily digest in this conversation at a local time.',
  usage: 'digest subscribe [HH:MM TZ]',
  example: 'digest subscribe 08:30 Europe/Paris',
  role: 'admin',
  options: {},
  schema: z.object({
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'the time must look like 09:30'),
    timeZone: z.string().refine(isTimeZone, 'the time zone must be an IANA name such as Europe/Paris'),
  }),
  input: (line, context) => {
    if (line.words.length > 2) throw new ArgumentError('digest subscribe takes a time and a time zone.');
    const [time, timeZone] = line.words;
    const zone = timeZone ?? context.defaults.timeZone;
    if (!isTimeZone(zone)) throw new ArgumentError(`"${zone}" is not a time zone such as Europe/Paris.`);
    return { time: time === undefined ? context.defaults.time : normaliseTime(time), timeZone: zone };
  },
  async plan(context, args) {
    const existing = await context.stores.subscriptions.get(subscriptionId(context.conversation));
    const summary = `Daily digest here at ${args.time} ${args.timeZone}`;
    return {
      content: {
        title: 'Subscribe to the daily digest',
        facts: [
          { label: 'Time', value: args.time },
          { label: 'Time zone', value: args.timeZone },
        ],
        notes: [
          {
            text:
              existing === null
                ? 'The digest will be posted in this conversation every day.'
                : `This replaces the current digest at ${existing.time} ${existing.timeZone}.`,
          },
        ],
      },
      summary,
      targets: 0,
    };
  },
  async execute(context, args) {
    const id = subscriptionId(context.conversation);
    const existing = await context.stores.subscriptions.get(id);
    await context.stores.subscriptions.put({
      id,
      conversation: context.conversation,
      time: args.time,
      timeZone: args.timeZone,
      createdBy: principalOf(context.user),
      createdAt: context.clock.now(),
      lastPostedDay: existing?.lastPostedDay ?? null,
    });
    await context.jobs.scheduleDigest(id, args.time, args.timeZone);
    const summary = `Daily digest here at ${args.time} ${args.timeZone}`;
    return {
      content: {
        title: 'Daily digest subscribed',
        facts: [
          { label: 'Time', value: args.time },
          { label: 'Time zone', value: args.timeZone },
        ],
      },
      outcome: { summary, totals: {}, failures: [], retryable: false },
      failed: false,
    };
  },
});
