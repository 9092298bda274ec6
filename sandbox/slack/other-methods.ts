import { SlackError } from './blocks.js';
import { stringArg, writableChannel } from './chat-methods.js';
import type { Args, MethodContext, MethodResult } from './chat-methods.js';

/** auth.test, users.info, conversations.open and the two halves of files.uploadV2. */

export function authTest(_args: Args, { store }: MethodContext): MethodResult {
  const { team, bot } = store.options;
  return {
    url: `https://${team.domain}.slack.com/`,
    team: team.name,
    user: bot.name,
    team_id: team.id,
    user_id: bot.userId,
    bot_id: bot.botId,
    is_enterprise_install: false,
  };
}

export function usersInfo(args: Args, { store }: MethodContext): MethodResult {
  const user = store.user(stringArg(args, 'user') ?? '');
  if (!user) throw new SlackError('user_not_found');
  return {
    user: {
      id: user.id,
      team_id: store.options.team.id,
      name: user.name,
      real_name: user.realName,
      deleted: user.deleted,
      is_bot: false,
      tz: user.tz,
      profile: { email: user.email, real_name: user.realName, display_name: user.name },
    },
  };
}

/** One user: the bot's DM with them. Group DMs (several users) are not modelled by this stand-in. */
export function conversationsOpen(args: Args, { store }: MethodContext): MethodResult {
  const users = (stringArg(args, 'users') ?? '').split(',').filter((id) => id !== '');
  if (users.length === 0) throw new SlackError('users_list_not_supplied');
  if (users.length > 1) throw new SlackError('not_supported_by_stand_in');
  const user = store.user(users[0] ?? '');
  if (!user) throw new SlackError('user_not_found');
  if (user.deleted) throw new SlackError('user_disabled');
  const alreadyOpen = store.channels.has(`D${user.id.slice(1)}`);
  const channel = store.directMessageChannel(user.id);
  return { channel: { id: channel.id }, ...(alreadyOpen ? { already_open: true } : {}) };
}

export function getUploadUrl(args: Args, { store, baseUrl }: MethodContext): MethodResult {
  const filename = stringArg(args, 'filename');
  const length = Number(stringArg(args, 'length'));
  if (filename === undefined || !Number.isInteger(length) || length <= 0)
    throw new SlackError('invalid_arguments');
  const id = `F${String(store.files.size + 1).padStart(9, '0')}`;
  store.files.set(id, { id, filename, length, channels: [], completed: false });
  return { upload_url: `${baseUrl}upload/v1/${id}`, file_id: id };
}

const filesArgument = (raw: unknown): { id: string; title?: string }[] => {
  let parsed: unknown = raw;
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw) as unknown;
    } catch {
      throw new SlackError('invalid_arguments');
    }
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new SlackError('invalid_arguments');
  return parsed.map((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null || typeof (entry as { id?: unknown }).id !== 'string')
      throw new SlackError('invalid_arguments');
    const { id, title } = entry as { id: string; title?: unknown };
    return typeof title === 'string' ? { id, title } : { id };
  });
};

export function completeUpload(args: Args, context: MethodContext): MethodResult {
  const { store } = context;
  const wanted = filesArgument(args.files);
  const channelId = stringArg(args, 'channel_id');
  const channel = channelId === undefined ? undefined : writableChannel(store, channelId);
  const files = wanted.map(({ id, title }) => {
    const file = store.files.get(id);
    // A file whose bytes never reached the upload URL cannot be completed.
    if (!file?.content) throw new SlackError('file_not_found');
    return { file, title };
  });
  for (const { file, title } of files) {
    file.completed = true;
    if (title !== undefined) file.title = title;
    if (channel) file.channels.push(channel.id);
  }
  if (channel) {
    const comment = stringArg(args, 'initial_comment');
    store.record('messages', {
      channel: channel.id,
      ts: store.nextTs(),
      text: comment ?? '',
      user: store.options.bot.userId,
      deleted: false,
    });
  }
  store.changed();
  return {
    files: files.map(({ file }) => ({
      id: file.id,
      name: file.filename,
      title: file.title ?? file.filename,
      size: file.length,
    })),
  };
}
