import { blocksText, buttonsOf } from '../../../bot/composition/local-slack-route.js';
import { startSlackApi, type SlackApi } from '../../../sandbox/slack/api.js';
import { LOCAL_SLACK_USERS } from '../../../sandbox/slack/options.js';
import {
  createSlackSender,
  type SignedResponse,
  type Signing,
  type SlackSender,
} from '../../../sandbox/slack/signed-requests.js';

/**
 * The Slack side of a reliability test, in the test's own process: the loopback Slack Web API stand-in (it
 * records everything the bot posts and updates, across bot restarts) and Slack's signed requests to a bot's
 * POST /slack/events. Workspace T0LOCAL001 (Contoso), channels #it-ops C0ITOPS001 and #approvals C0APPROVAL.
 */

export const SLACK_SIGNING_SECRET = 'reliability-signing-secret-5e1f9a0c7b3d';
export const SLACK_TEAM = 'T0LOCAL001';
export const IT_OPS = 'C0ITOPS001';
export const APPROVALS = 'C0APPROVAL';
/** People of the stand-in's workspace (the harness makes the first three first admins). */
export const PEOPLE = {
  nora: LOCAL_SLACK_USERS[0].id,
  samir: LOCAL_SLACK_USERS[1].id,
  grace: LOCAL_SLACK_USERS[2].id,
  tomas: LOCAL_SLACK_USERS[3].id,
} as const;
export type Person = keyof typeof PEOPLE;

/** `slack:T0LOCAL001:U…` as CHAT_FIRST_ADMINS names a Slack user. */
export const slackPrincipal = (person: Person): string => `slack:${SLACK_TEAM}:${PEOPLE[person]}`;

export interface Button {
  /** The message carrying it. */
  channel: string;
  ts: string;
  actionId: string;
  value: string;
}

export interface SlackSide {
  readonly api: SlackApi;
  /** A sender for one bot (its base URL, e.g. http://127.0.0.1:P). */
  senderFor(botUrl: string): SlackSender;
  /** The message as it reads now (its last chat.update / replace_original applied), as text. */
  currentText(channel: string, ts: string): string;
  /** The newest message in `channel` whose current blocks have a button of this verb (approve, cancel, …). */
  findButton(channel: string, verb: string, match?: (text: string) => boolean): Button | undefined;
  close(): Promise<void>;
}

export async function startSlackSide(): Promise<SlackSide> {
  const api = await startSlackApi();
  const currentBlocks = (channel: string, ts: string): unknown[] => {
    const update = api
      .updates(channel)
      .filter((candidate) => candidate.ts === ts)
      .at(-1);
    const message = api.messages(channel).find((candidate) => candidate.ts === ts);
    return update?.blocks ?? message?.blocks ?? [];
  };
  const currentText = (channel: string, ts: string): string => {
    const update = api
      .updates(channel)
      .filter((candidate) => candidate.ts === ts)
      .at(-1);
    const message = api.messages(channel).find((candidate) => candidate.ts === ts);
    const text = update?.text ?? message?.text ?? '';
    return [text, ...blocksText(currentBlocks(channel, ts))].join('\n');
  };
  return {
    api,
    senderFor: (botUrl) =>
      createSlackSender({ url: `${botUrl}/slack/events`, signingSecret: SLACK_SIGNING_SECRET, api }),
    currentText,
    findButton(channel, verb, match) {
      for (const message of [...api.messages(channel)].reverse()) {
        if (message.deleted) continue;
        if (match !== undefined && !match(currentText(channel, message.ts))) continue;
        const button = buttonsOf(currentBlocks(channel, message.ts)).find(
          (candidate) => candidate.actionId.split('#')[0] === verb,
        );
        if (button !== undefined) return { channel, ts: message.ts, ...button };
      }
      return undefined;
    },
    close: () => api.close(),
  };
}

/** Clicks `button` as `person` through a bot's /slack/events (a signed block_actions payload). */
export function click(
  sender: SlackSender,
  button: Button,
  person: Person,
  signing: Signing = 'valid',
): Promise<SignedResponse> {
  return sender.blockAction(
    {
      userId: PEOPLE[person],
      channelId: button.channel,
      messageTs: button.ts,
      actionId: button.actionId,
      value: button.value,
    },
    signing,
  );
}

/** `/m365 <text>` as `person` in `channel` (default #it-ops), signed. */
export function command(
  sender: SlackSender,
  text: string,
  person: Person,
  channel: string = IT_OPS,
  signing: Signing = 'valid',
): Promise<SignedResponse> {
  return sender.slashCommand({ text, userId: PEOPLE[person], channelId: channel }, signing);
}
