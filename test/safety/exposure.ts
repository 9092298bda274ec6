import type { Db } from 'mongodb';
import type { SlackApi, SlackMessage } from '../../sandbox/slack/api.js';
import type { TeamsConnector } from '../../sandbox/teams/connector.js';

/**
 * Looking for secrets in what the bot produced. A secret may come back escaped (JSON, Slack mrkdwn entities,
 * markdown backslashes), so besides the exact text each haystack is also compared by its letters and digits
 * alone: a 16-character generated password keeps about a dozen of them, which nothing else matches by chance.
 */

const skeleton = (text: string): string => text.replace(/[^A-Za-z0-9]/g, '');

/** Slack mrkdwn and HTML escape `&`, `<` and `>` as entities; a secret shown there reads back through this. */
const unescapeEntities = (text: string): string =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Whether `haystack` shows `secret`, exactly or escaped. */
export function shows(haystack: string, secret: string): boolean {
  const letters = skeleton(secret);
  return [haystack, unescapeEntities(haystack)].some(
    (text) =>
      text.includes(secret) ||
      text.includes(JSON.stringify(secret).slice(1, -1)) ||
      (letters.length >= 8 && skeleton(text).includes(letters)),
  );
}

/** Names of the secrets `haystack` shows. */
export function secretsIn(haystack: string, secrets: Readonly<Record<string, string>>): string[] {
  return Object.entries(secrets)
    .filter(([, value]) => shows(haystack, value))
    .map(([name]) => name);
}

/** A bearer token or any other JWT: base64url header starting `eyJ`, a payload, a signature. */
export const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/;

/** Every document of every collection of the database, as one JSON text per document. */
export async function everyDocument(db: Db): Promise<{ collection: string; json: string }[]> {
  const documents: { collection: string; json: string }[] = [];
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    for (const document of await db.collection(name).find({}).toArray()) {
      documents.push({ collection: name, json: JSON.stringify(document) });
    }
  }
  return documents;
}

/** Something the bot showed someone: where, to whom, and its content as text. */
export interface Delivery {
  where: string;
  /** `private:<user>` for a view only that user has (ephemeral, 1:1 chat); otherwise the conversation. */
  audience: string;
  text: string;
}

/** The deliveries that show `secret`, as "where (audience)". */
export function deliveriesShowing(deliveries: readonly Delivery[], secret: string): string[] {
  return deliveries
    .filter((delivery) => shows(delivery.text, secret))
    .map((delivery) => `${delivery.where} (${delivery.audience})`);
}

/** Every view the Slack stand-in holds: channel messages, their updates, ephemerals and files. */
export function slackDeliveries(api: SlackApi): Delivery[] {
  const people = api.options.users.map((user) => user.id);
  const dmOwner = new Map(people.map((user) => [api.openDirectMessage(user), user]));
  const audienceOf = (channel: string) => {
    const owner = dmOwner.get(channel);
    return owner === undefined ? `channel ${channel}` : `private:${owner}`;
  };
  const text = (message: Pick<SlackMessage, 'text' | 'blocks'>) =>
    JSON.stringify([message.text, message.blocks]);
  return [
    ...api
      .messages()
      .map((m) => ({ where: `slack message ${m.ts}`, audience: audienceOf(m.channel), text: text(m) })),
    ...api
      .updates()
      .map((u) => ({ where: `slack update ${u.ts}`, audience: audienceOf(u.channel), text: text(u) })),
    ...api
      .ephemerals()
      .map((e) => ({ where: `slack ephemeral ${e.ts}`, audience: `private:${e.user}`, text: text(e) })),
    ...api.files().map((f) => ({
      where: `slack file ${f.filename}`,
      audience: `files in ${f.channels.join(',')}`,
      text: f.content?.toString('utf8') ?? '',
    })),
  ];
}

/** Every activity the bot sent to the Teams Bot Connector stand-in, and every update of one. */
export function teamsDeliveries(connector: TeamsConnector, personal: Map<string, string>): Delivery[] {
  const audienceOf = (conversationId: string) => {
    const owner = personal.get(conversationId.split(';')[0] ?? '');
    return owner === undefined ? `conversation ${conversationId}` : `private:${owner}`;
  };
  return [
    ...connector.sent().map((sent) => ({
      where: `teams activity ${sent.id}`,
      audience: audienceOf(sent.conversationId),
      text: JSON.stringify(sent.activity),
    })),
    ...connector.updates().map((update) => ({
      where: `teams update ${update.id}`,
      audience: audienceOf(update.conversationId),
      text: JSON.stringify(update.activity ?? {}),
    })),
  ];
}
