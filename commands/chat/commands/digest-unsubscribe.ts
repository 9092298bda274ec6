import { z } from 'zod';
import { noWords } from '../arguments.js';
import { defineMutating } from '../command.js';
import { subscriptionId } from './digest-subscribe.js';

/** digest unsubscribe: stops the daily digest in this conversation. */

export const digestUnsubscribe = defineMutating({
  name: 'digest unsubscribe',
  summary: 'Stops the daily digest in this conversation.',
  usage: 'digest unsubscribe',
  example: 'digest unsubscribe',
  role: 'admin',
  options: {},
  schema: z.object({}),
  input: (line) => {
    noWords(line, 'digest unsubscribe');
    return {};
  },
  async plan(context) {
    const existing = await context.stores.subscriptions.get(subscriptionId(context.conversation));
    const content = { title: 'Unsubscribe from the daily digest' };
    if (existing === null) {
      return {
        content,
        summary: 'No digest here',
        targets: 0,
        refusal: 'This conversation has no daily digest.',
      };
    }
    return {
      content: { ...content, facts: [{ label: 'Current', value: `${existing.time} ${existing.timeZone}` }] },
      summary: 'Stop the daily digest here',
      targets: 0,
    };
  },
  async execute(context) {
    const id = subscriptionId(context.conversation);
    await context.jobs.cancelDigest(id);
    const removed = await context.stores.subscriptions.remove(id);
    const summary = removed ? 'Daily digest stopped' : 'There was no daily digest here';
    return {
      content: { title: summary },
      outcome: { summary, totals: {}, failures: [], retryable: false },
      failed: false,
    };
  },
});
