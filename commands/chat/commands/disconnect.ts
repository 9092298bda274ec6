import { z } from 'zod';
import { noWords } from '../arguments.js';
import { plural } from '../cards.js';
import { defineMutating } from '../command.js';

/**
 * disconnect: deactivates the Microsoft 365 connection. As in the seed, every Microsoft 365 account stays
 * active and working, and every binding is cleared (users must be bound again after reconnecting). Always
 * needs a second admin.
 */

export const disconnect = defineMutating({
  name: 'disconnect',
  summary: 'Deactivates the Microsoft 365 connection (accounts stay active; bindings are cleared).',
  usage: 'disconnect',
  example: 'disconnect',
  role: 'admin',
  alwaysSecondAdmin: true,
  options: {},
  schema: z.object({}),
  input: (line) => {
    noWords(line, 'disconnect');
    return {};
  },
  async plan(context) {
    const status = await context.engine.status();
    const bound = Object.values(status.bindings).reduce((sum, count) => sum + count, 0);
    const content = {
      title: 'Disconnect from Microsoft 365',
      tone: 'danger' as const,
      facts: [
        { label: 'Tenant', value: status.connection?.tenantId ?? '(none)' },
        { label: 'Bindings cleared', value: String(bound) },
      ],
      notes: [
        {
          text: `Every Microsoft 365 account stays active and working. ${plural(bound, 'binding')} will be cleared; after reconnecting, users must be bound again.`,
          tone: 'warning' as const,
        },
      ],
    };
    const summary = `Disconnect from Microsoft 365 (${plural(bound, 'binding')} cleared)`;
    if (status.status !== 'active') {
      return { content, summary, targets: 0, refusal: 'The bot is not connected to Microsoft 365.' };
    }
    return { content, summary, targets: bound };
  },
  async execute(context, _args, hooks) {
    const report = await context.engine.deactivate(hooks.actor);
    const summary = `Disconnected from Microsoft 365; ${plural(report.bindingsCleared, 'binding')} cleared`;
    return {
      content: {
        title: 'Disconnected from Microsoft 365',
        facts: [{ label: 'Bindings cleared', value: String(report.bindingsCleared) }],
        notes: [{ text: 'Microsoft 365 accounts were left active.' }],
      },
      outcome: {
        summary,
        totals: { bindingsCleared: report.bindingsCleared },
        failures: [],
        retryable: false,
      },
      failed: false,
    };
  },
});
