/**
 * Bad input changes nothing: generated command lines (random bytes, unicode, 100 KB lines, quotes, OData- and
 * regex-looking text, mentions, every command with random arguments) sent to the real chat core as its admin,
 * on the real database and the sandbox tenant. Every one gets a clear answer, and afterwards the only new
 * records are the plans the admin asked for: pending requests (never approved), their stored cards and the
 * engine's dry-run audit lines. The tenant saw no write.
 *
 * The seed is in the test names and in every failure; FUZZ_SEED=<n> reruns another (or a failing) sequence,
 * FUZZ_COUNT=<n> a shorter one.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CardModel } from '../../cards/model.js';
import { CHAT_COMMANDS } from '../../commands/chat/commands/index.js';
import type { ChatCore } from '../../commands/chat/ops.js';
import type { ChatLogger } from '../../commands/chat/ports.js';
import { CommandRegistry } from '../../commands/chat/registry.js';
import type { Reply } from '../../commands/chat/types.js';
import { directoryUser } from '../support/engine.js';
import { CHANNEL, openChat, USERS, type ChatHarness } from '../support/chat.js';
import { describeCase, generateCases, type FuzzCase, type FuzzPools } from './fuzz-input.js';
import {
  addedDocuments,
  cardProblems,
  changesBetween,
  snapshotDatabase,
  snapshotTenant,
  tenantWrites,
  type DatabaseSnapshot,
} from './state.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20_260_514);
const COUNT = Number(process.env['FUZZ_COUNT'] ?? 10_000);
const TEST_ACTOR = { platform: 'test' as const, id: 'setup', displayName: 'Setup' };
const BOUND = ['fuzz.bound@contoso.com', 'fuzz.blocked@contoso.com'];
const UNBOUND = ['fuzz.newhire@contoso.com'];
/** The collections a plan may add to (never change or remove from): requests, their cards, the audit log. */
const PLAN_RECORDS = ['chatRequests', 'chatViews', 'chatTrackedMessages', 'audit'];

let chat: ChatHarness;
let core: ChatCore;
let cases: FuzzCase[];
const registry = new CommandRegistry(CHAT_COMMANDS);
/** Log lines the core wrote at warn or error level: each would be a failure it did not expect. */
const complaints: string[] = [];
const logger: ChatLogger = {
  info: () => undefined,
  warn: (fields, message) => complaints.push(`warn ${message} ${JSON.stringify(fields)}`),
  error: (fields, message) => complaints.push(`error ${message} ${JSON.stringify(fields)}`),
};
/** Which case asked for each id the core made up (requests, read answers, stored views). */
const caseOfId = new Map<string, number>();
let currentCase = -1;

beforeAll(async () => {
  chat = await openChat(import.meta.url);
  const { engine, repositories, sandbox } = chat.engine;
  for (const email of [...BOUND, ...UNBOUND]) await repositories.users.insert(directoryUser(email));
  await engine.bind(BOUND, { actor: TEST_ACTOR, welcome: false });
  await engine.block([BOUND[1] ?? ''], { actor: TEST_ACTOR });
  const tenant = sandbox.inspection.users().flatMap((user) => (user.mail === null ? [] : [user.mail]));
  const pools: FuzzPools = {
    commands: registry.names(),
    emails: [...BOUND, ...UNBOUND, ...tenant.slice(0, 8), ...tenant.filter((mail) => mail.includes("'"))],
    options: [...new Set(CHAT_COMMANDS.flatMap((command) => Object.keys(command.options)))].map(
      (option) => `--${option}`,
    ),
  };
  cases = generateCases(SEED, COUNT, pools);
  let made = 0;
  core = chat.newCore({
    logger,
    newId: () => {
      const id = `fuzz-${currentCase}-${made++}`;
      caseOfId.set(id, currentCase);
      return id;
    },
  });
}, 60_000);
afterAll(async () => {
  await chat.close();
});

/** The adapter's part: conversation replies are posted (and bound when tracked); private ones are shown. */
async function deliver(replies: Reply[]): Promise<void> {
  for (const reply of replies) {
    if (reply.visibility === 'private') continue;
    const message = await chat.surface.post(CHANNEL, reply.card);
    if (reply.tracking !== undefined) await core.bindMessage(reply.tracking.requestId, message);
  }
}

function shownSince(postsBefore: number, updatesBefore: number): CardModel[] {
  return [
    ...chat.surface.posts.slice(postsBefore).map((posted) => posted.card),
    ...chat.surface.updates.slice(updatesBefore).map((updated) => updated.card),
  ];
}

interface Outcome {
  problems: string[];
  refused: boolean;
}

async function drive(fuzzCase: FuzzCase): Promise<Outcome> {
  currentCase = fuzzCase.index;
  const before = { posts: chat.surface.posts.length, updates: chat.surface.updates.length };
  const logged = complaints.length;
  let replies: Reply[];
  try {
    replies = await core.handleCommand({
      user: USERS.admin,
      conversation: CHANNEL,
      text: fuzzCase.text,
      ...(fuzzCase.mentions === undefined ? {} : { mentions: fuzzCase.mentions }),
    });
  } catch (error) {
    return { problems: [`an exception escaped: ${String(error)}`], refused: false };
  }
  await deliver(replies);
  await core.idle();
  const problems: string[] = replies.length === 0 ? ['no answer'] : [];
  for (const reply of replies) problems.push(...cardProblems(reply.card));
  for (const card of shownSince(before.posts, before.updates)) problems.push(...cardProblems(card));
  problems.push(...complaints.slice(logged).map((line) => `logged: ${line.slice(0, 300)}`));
  return { problems, refused: replies.every((reply) => reply.visibility === 'private') };
}

/** The command a case's text names, when it names one. */
function commandOf(fuzzCase: FuzzCase | undefined): string | undefined {
  if (fuzzCase === undefined) return undefined;
  const resolution = registry.resolve(fuzzCase.text);
  return resolution.kind === 'ok' ? resolution.command.name : undefined;
}

describe(`${COUNT} generated command lines through the chat core, as its admin (seed ${SEED})`, () => {
  let dbBefore: DatabaseSnapshot;
  let dbAfter: DatabaseSnapshot;
  let tenantBefore: string;
  let engineJobsBefore: string;
  const failures: string[] = [];
  let refusals = 0;

  beforeAll(async () => {
    dbBefore = await snapshotDatabase(chat.engine.database.db);
    tenantBefore = snapshotTenant(chat.engine.sandbox);
    engineJobsBefore = JSON.stringify([...chat.engine.jobs.jobs]);
    chat.engine.sandbox.inspection.reset();
    for (const fuzzCase of cases) {
      const outcome = await drive(fuzzCase);
      if (outcome.refused) refusals += 1;
      if (outcome.problems.length > 0)
        failures.push(`${describeCase(fuzzCase, SEED)}: ${outcome.problems.join('; ')}`);
    }
    dbAfter = await snapshotDatabase(chat.engine.database.db);
  }, 600_000);

  it('answers every one with a clear message or refusal, and lets no exception escape', () => {
    expect(failures.slice(0, 10)).toEqual([]);
    expect(refusals).toBeGreaterThan(cases.length / 2);
  });

  it('writes nothing to the tenant, and schedules no engine job', () => {
    expect(tenantWrites(chat.engine.sandbox)).toEqual([]);
    expect(chat.engine.sandbox.inspection.sentMail()).toEqual([]);
    expect(snapshotTenant(chat.engine.sandbox)).toBe(tenantBefore);
    expect(JSON.stringify([...chat.engine.jobs.jobs])).toBe(engineJobsBefore);
  });

  it('changes no existing record, and adds only to the requests, their cards and the audit log', () => {
    const changes = changesBetween(dbBefore, dbAfter);
    const touched = Object.entries(changes).flatMap(([name, change]) => [
      ...change.changed.map((id) => `${name} changed ${id}`),
      ...change.removed.map((id) => `${name} removed ${id}`),
      ...(PLAN_RECORDS.includes(name) ? [] : change.added.map((id) => `${name} added ${id}`)),
    ]);
    expect(touched).toEqual([]);
  });

  it('adds only pending requests, each for the command the admin typed, never decided or run', () => {
    const requests = addedDocuments(dbBefore, dbAfter, 'chatRequests');
    const wrong = requests.flatMap((request) => {
      const id = String(request['_id']);
      const fuzzCase = cases[caseOfId.get(id) ?? -1];
      const asked = commandOf(fuzzCase);
      const fine =
        request['state'] === 'pending' &&
        JSON.stringify(request['approvals']) === '[]' &&
        request['decidedBy'] === null &&
        request['attempts'] === 0 &&
        (request['requester'] as { id?: string }).id === USERS.admin.id &&
        asked !== undefined &&
        registry.mutating(asked) !== undefined &&
        request['command'] === asked;
      return fine ? [] : [`${id} (${String(request['command'])}, ${String(request['state'])}) for ${asked}`];
    });
    expect(wrong).toEqual([]);
    // Some lines were real requests, so this checked the one kind of record a plan may add.
    expect(requests.length).toBeGreaterThan(0);
    expect([...chat.jobs.digests]).toEqual([]);
    const ids = new Set(requests.map((request) => String(request['_id'])));
    expect([...chat.jobs.expiries.keys()].filter((id) => !ids.has(id))).toEqual([]);
  });

  it('audits only plans: the requests asked for and the engine’s dry runs', () => {
    const requests = new Set(addedDocuments(dbBefore, dbAfter, 'chatRequests').map((r) => String(r['_id'])));
    const events = addedDocuments(dbBefore, dbAfter, 'audit');
    const other = events.filter(
      (event) =>
        event['outcome'] !== 'planned' ||
        !(
          (event['action'] === 'chat.request.requested' && requests.has(String(event['operationId']))) ||
          String(event['action']).endsWith(':dry-run')
        ),
    );
    expect(other).toEqual([]);
    expect(events.filter((event) => event['action'] === 'chat.request.requested')).toHaveLength(
      requests.size,
    );
  });

  it('stores cards only for what a case asked', () => {
    const strays = ['chatViews', 'chatTrackedMessages'].flatMap((name) =>
      addedDocuments(dbBefore, dbAfter, name)
        .map((document) => String(document['_id']))
        .filter((id) => ![...caseOfId.keys()].some((made) => id.includes(made))),
    );
    expect(strays).toEqual([]);
  });
});

describe('overlong input, refused in one sentence before any rule quotes it back', () => {
  async function sentence(text: string): Promise<string> {
    const replies = await core.handleCommand({ user: USERS.admin, conversation: CHANNEL, text });
    expect(replies.map((reply) => reply.visibility)).toEqual(['private']);
    return replies[0]?.card.notes.map((note) => note.text).join(' ') ?? '';
  }

  it('refuses a message over 100,000 characters as too long', async () => {
    expect(await sentence(`bind ${'a@contoso.com '.repeat(7700)}`)).toBe(
      'That message is 107,805 characters long; a command can be at most 100,000.',
    );
  });

  it('refuses a word over 1,000 characters, whatever the command', async () => {
    for (const text of [
      `bind ${'x'.repeat(5000)}@contoso.com`,
      `help ${'y'.repeat(1001)}`,
      `status --${'d'.repeat(2000)}`,
    ]) {
      expect(await sentence(text)).toMatch(
        /^One word is [\d,]+ characters long; no command takes a word longer than 1,000\./,
      );
    }
  });

  it('quotes at most 100 characters of an unknown command, with no suggestion', async () => {
    expect(await sentence('z'.repeat(300))).toBe(
      `"${'z'.repeat(99)}…" is not a command. Type "help" for the list.`,
    );
  });

  it('reads a line of thousands of unclosed quotes or link openings word by word', async () => {
    expect(await sentence(`audit ${'"a '.repeat(30_000)}`)).toBe(
      'audit takes at most one user. Example: audit alice@contoso.com --csv',
    );
    expect(await sentence(`status ${'<mailto:'.repeat(100)}`)).toMatch(
      /^"(<mailto:){100}" is not an e-mail address\./,
    );
  });
});
