/** The reliability harness: see API.md in this folder. */
export { createBotHandle, killAllBots } from './bot-process.js';
export type { BotHandle, BotLife, ExitStatus } from './bot-process.js';
export { startReliabilityDatabase } from './database.js';
export type { ReliabilityDatabase } from './database.js';
export { auditEvents, bindingStates, reliabilityUser, seedDirectoryUsers } from './directory.js';
export { expireDeadLeases } from './leases.js';
export { botEnvironment, startReliabilityEnvironment } from './environment.js';
export type { EnvironmentOptions, ReliabilityEnvironment } from './environment.js';
export { BOT_MAIN, ROOT } from './paths.js';
export { sleep, waitFor } from '../../support/wait.js';
export { scenarioSeed, seededRandom } from './random.js';
export type { SeededRandom } from './random.js';
export { startSandboxProcess } from './sandbox-process.js';
export type { SandboxProcess, SandboxProcessOptions } from './sandbox-process.js';
export {
  APPROVALS,
  click,
  command,
  IT_OPS,
  PEOPLE,
  SLACK_SIGNING_SECRET,
  SLACK_TEAM,
  slackPrincipal,
  startSlackSide,
} from './slack.js';
export type { Button, Person, SlackSide } from './slack.js';
