import { createChatOps, type ChatCore } from '../../commands/chat/ops.js';
import type { ChatStores } from '../../commands/chat/ports.js';
import type { ChatSettingsInput } from '../../commands/chat/settings.js';
import type { ChatOps } from '../../commands/chat/types.js';
import { createChatRepositories } from '../../storage/repositories/chat/index.js';
import { RecordingChatJobs, TestClock } from '../support/chat.js';
import { openEngine, type EngineHarness } from '../support/engine.js';
import { NORA, SAMIR, startSlackHarness, TEAM, type SlackHarness } from './harness.js';

/**
 * The Slack adapter on the real chat core and the real engine (dev database + in-process sandbox tenant), with
 * local mode's Slack people: Nora the first admin from settings, Samir an approver granted in the database.
 */
export interface CoreSlackHarness {
  engine: EngineHarness;
  stores: ChatStores;
  core: ChatCore;
  slack: SlackHarness;
  /** Waits until the adapter's and the core's background work are done. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export const slackId = (userId: string): string => `${TEAM}:${userId}`;

export async function startCoreSlackHarness(
  testFile: string,
  chat: ChatSettingsInput = {},
  /** What the adapter talks to, built around the core (default: the core itself). */
  front: (core: ChatCore) => ChatOps = (core) => core,
): Promise<CoreSlackHarness> {
  const engine = await openEngine(testFile);
  const clock = new TestClock();
  const stores = createChatRepositories(engine.database.db, { clock });
  // The adapter is built first (the core needs its surface); it reaches the core through this holder.
  const built: { core?: ChatCore; front?: ChatOps } = {};
  const slack = await startSlackHarness(() => {
    if (built.core === undefined) throw new Error('the chat core is not built yet');
    built.front ??= front(built.core);
    return built.front;
  });
  const running = createChatOps({
    engine: engine.engine,
    directory: engine.repositories,
    stores,
    audit: engine.repositories.audit,
    jobs: new RecordingChatJobs(),
    clock,
    surfaces: [slack.adapter.surface],
    settings: {
      firstAdmins: [{ platform: 'slack', id: slackId(NORA) }],
      cardUpdateIntervalMs: 100,
      ...chat,
    },
  });
  built.core = running;
  await stores.roles.put({
    platform: 'slack',
    userId: slackId(SAMIR),
    displayName: 'Samir Haddad',
    role: 'approver',
    grantedBy: { platform: 'slack', id: slackId(NORA), displayName: 'Nora Lindqvist' },
    grantedAt: clock.now(),
  });
  return {
    engine,
    stores,
    core: running,
    slack,
    async settle() {
      await slack.adapter.idle();
      await running.idle();
      await slack.adapter.idle();
    },
    async close() {
      await running.stop();
      await slack.close();
      await engine.close();
    },
  };
}
