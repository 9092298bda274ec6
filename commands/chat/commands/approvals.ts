import { z } from 'zod';
import type { Button } from '../../../cards/model.js';
import { APPROVE_VERB } from '../approvals/cards.js';
import { noWords } from '../arguments.js';
import { formatWhen } from '../cards.js';
import { defineRead } from '../command.js';

/** approvals: the requests waiting for a decision, oldest first, with an Approve button for the first few. */

const LIST_LIMIT = 200;
const BUTTONS = 10;

export const approvals = defineRead({
  name: 'approvals',
  summary: 'Lists the requests waiting for approval.',
  usage: 'approvals',
  example: 'approvals',
  role: 'viewer',
  options: {},
  schema: z.object({}),
  input: (line) => {
    noWords(line, 'approvals');
    return {};
  },
  async answer(context) {
    const pending = await context.stores.requests.listPending(context.clock.now(), LIST_LIMIT);
    const rows = pending.map((request, index) => [
      String(index + 1),
      request.summary,
      request.requester.displayName,
      `${request.approvals.length} of ${request.policy.required}`,
      formatWhen(request.expiresAt),
    ]);
    const buttons: Button[] = pending.slice(0, BUTTONS).map((request, index) => ({
      id: APPROVE_VERB,
      label: `${request.policy.mode === 'self-confirm' ? 'Confirm' : 'Approve'} #${index + 1}`,
      style: 'default',
      data: { request: request.id },
    }));
    return {
      card: {
        title: 'Pending approvals',
        facts: [{ label: 'Waiting', value: String(pending.length) }],
        tables:
          rows.length > 0
            ? [{ columns: ['#', 'Request', 'Requested by', 'Approvals', 'Expires'], rows }]
            : [],
        notes: rows.length === 0 ? [{ text: 'Nothing is waiting for approval.' }] : [],
        buttons,
      },
    };
  },
});
