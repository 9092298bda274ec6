import { createChatOps, type ChatCore } from '../../commands/chat/ops.js';
import type { ChatStores } from '../../commands/chat/ports.js';
import type { ChatSettingsInput } from '../../commands/chat/settings.js';
import { createChatRepositories } from '../../storage/repositories/chat/index.js';
import { APPROVER, FIRST_ADMIN, LOCAL_TENANT_ID } from '../../sandbox/teams/playground-users.js';
import { RecordingChatJobs, TestClock } from '../support/chat.js';
import { openEngine, type EngineHarness } from '../support/engine.js';
import { startTeamsHarness, type TeamsHarness } from './harness.js';

/**
 * The Teams adapter on the real chat core and the real engine (dev database + in-process sandbox tenant), with
 * local mode's people: the first admin from settings, the approver granted in the database.
 */
export interface CoreTeamsHarness {
  engine: EngineHarness;
  stores: ChatStores;
  core: ChatCore;
  teams: TeamsHarness;
  close(): Promise<void>;
}

export const teamsId = (person: { aadObjectId: string }): string =>
  `${LOCAL_TENANT_ID}:${person.aadObjectId}`;

export async function startCoreTeamsHarness(
  testFile: string,
  chat: ChatSettingsInput = {},
): Promise<CoreTeamsHarness> {
  const engine = await openEngine(testFile);
  const clock = new TestClock();
  const stores = createChatRepositories(engine.database.db, { clock });
  let core: ChatCore | undefined;
  const teams = await startTeamsHarness((endpoint) => {
    core = createChatOps({
      engine: engine.engine,
      directory: engine.repositories,
      stores,
      audit: engine.repositories.audit,
      jobs: new RecordingChatJobs(),
      clock,
      surfaces: [endpoint.surface],
      settings: {
        firstAdmins: [{ platform: 'teams', id: teamsId(FIRST_ADMIN) }],
        cardUpdateIntervalMs: 100,
        ...chat,
      },
    });
    return core;
  });
  if (core === undefined) throw new Error('the chat core was not created');
  const running = core;
  await stores.roles.put({
    platform: 'teams',
    userId: teamsId(APPROVER),
    displayName: APPROVER.name,
    role: 'approver',
    grantedBy: { platform: 'teams', id: teamsId(FIRST_ADMIN), displayName: FIRST_ADMIN.name },
    grantedAt: clock.now(),
  });
  return {
    engine,
    stores,
    core: running,
    teams,
    async close() {
      await running.stop();
      await teams.close();
      await engine.close();
    },
  };
}
