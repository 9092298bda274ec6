import { z } from 'zod';
import {
  auditEvents,
  click,
  command,
  IT_OPS,
  waitFor,
  type BotHandle,
  type Button,
  type Person,
  type ReliabilityEnvironment,
} from '../harness/index.js';

/**
 * Requests asked in Slack and the same approval clicked on two bot replicas at once, with what the audit log
 * says each request went through (requested → approved → executing → completed).
 */

const buttonValueSchema = z.object({ request: z.string().min(1) });

/** The approval request a card's button acts on. */
export function requestIdOf(button: Button): string {
  return buttonValueSchema.parse(JSON.parse(button.value)).request;
}

export interface Asking {
  /** Picks the plan card among the channel's messages. */
  marker: (cardText: string) => boolean;
  person?: Person;
  channel?: string;
}

/** `/m365 <text>` on `bot` (as Nora in #it-ops by default); resolves with its plan card's Approve button. */
export async function ask(
  world: ReliabilityEnvironment,
  bot: BotHandle,
  text: string,
  { marker, person = 'nora', channel = IT_OPS }: Asking,
): Promise<Button> {
  const answer = await command(world.slack.senderFor(bot.url), text, person, channel);
  if (answer.status !== 200) throw new Error(`"/m365 ${text}" got HTTP ${String(answer.status)}`);
  return waitFor(
    `the plan card of "${text}"`,
    () => world.slack.findButton(channel, 'approve', marker),
    300_000,
    200,
  );
}

/** `person` clicks `button` on every replica at the same moment; every click must be acknowledged (HTTP 200). */
export async function clickOnAll(
  world: ReliabilityEnvironment,
  bots: readonly BotHandle[],
  button: Button,
  person: Person,
): Promise<void> {
  const senders = bots.map((bot) => world.slack.senderFor(bot.url));
  const answers = await Promise.all(senders.map((sender) => click(sender, button, person)));
  const refused = answers.filter((answer) => answer.status !== 200);
  if (refused.length > 0) throw new Error(`a click got HTTP ${refused.map((a) => a.status).join(', ')}`);
}

/** How often the audit log records each request reaching `chat.request.<step>`. */
export type RequestSteps = Map<string, Record<string, number>>;

export async function requestSteps(world: ReliabilityEnvironment): Promise<RequestSteps> {
  const steps: RequestSteps = new Map();
  for (const event of await auditEvents(world.database.db)) {
    const action = String(event['action']);
    if (!action.startsWith('chat.request.')) continue;
    const parameters = z.object({ requestId: z.string() }).safeParse(event['parameters']);
    if (!parameters.success) continue;
    const step = action.slice('chat.request.'.length);
    const counts = steps.get(parameters.data.requestId) ?? {};
    counts[step] = (counts[step] ?? 0) + 1;
    steps.set(parameters.data.requestId, counts);
  }
  return steps;
}

/** Waits until every request in `ids` has completed or failed (audit log), polling once a second. */
export async function allFinished(
  world: ReliabilityEnvironment,
  ids: readonly string[],
  timeoutMs: number,
): Promise<RequestSteps> {
  return waitFor(
    `${String(ids.length)} requests to finish`,
    async () => {
      const steps = await requestSteps(world);
      const finished = ids.every((id) => {
        const counts = steps.get(id);
        return (counts?.['completed'] ?? 0) + (counts?.['failed'] ?? 0) > 0;
      });
      return finished ? steps : undefined;
    },
    timeoutMs,
    1000,
  );
}

/** Audit events of an engine action (e.g. 'bind', 'password-expiry') per target and outcome. */
export async function engineEvents(
  world: ReliabilityEnvironment,
  action: string,
): Promise<Map<string, Record<string, number>>> {
  const byTarget = new Map<string, Record<string, number>>();
  for (const event of await auditEvents(world.database.db)) {
    if (event['action'] !== action) continue;
    const target = String(event['target']).toLowerCase();
    const outcome = String(event['outcome']);
    const counts = byTarget.get(target) ?? {};
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    byTarget.set(target, counts);
  }
  return byTarget;
}
