import { z } from 'zod';

/**
 * The Slack workspace the loopback Web API serves. The defaults are local mode's workspace: the same people as
 * the Teams side (sandbox/teams/playground-users.ts), the first admin and an approver among them.
 */
const userSchema = z.object({
  id: z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'Slack user ids look like U0123ABCD'),
  name: z.string().min(1),
  realName: z.string().min(1),
  email: z.string().min(3),
  tz: z.string().default('Europe/Stockholm'),
  deleted: z.boolean().default(false),
});

const channelSchema = z.object({
  id: z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'Slack channel ids look like C0123ABCD'),
  name: z.string().min(1),
  /** Member user ids; the bot can post only where its own user id is listed (no chat:write.public). */
  members: z.array(z.string()),
});

export const LOCAL_SLACK_BOT = {
  token: 'xoxb-1000000001-2000000002-localmodebottoken0000',
  userId: 'U0BOTLOCAL',
  botId: 'B0BOTLOCAL',
  appId: 'A0APPLOCAL',
  name: 'm365-chatops',
} as const;

export const LOCAL_SLACK_USERS = [
  {
    id: 'U0ADMNORA',
    name: 'nora.lindqvist',
    realName: 'Nora Lindqvist',
    email: 'nora.lindqvist@contoso.com',
  },
  { id: 'U0APRSAMIR', name: 'samir.haddad', realName: 'Samir Haddad', email: 'samir.haddad@contoso.com' },
  { id: 'U0GRACEOK', name: 'grace.okafor', realName: 'Grace Okafor', email: 'grace.okafor@contoso.com' },
  { id: 'U0TOMASRZ', name: 'tomas.ruiz', realName: 'Tomás Ruiz', email: 'tomas.ruiz@contoso.com' },
] as const;

const everyone = LOCAL_SLACK_USERS.map((user) => user.id);

export const LOCAL_SLACK_CHANNELS = [
  { id: 'C0ITOPS001', name: 'it-ops', members: [...everyone, LOCAL_SLACK_BOT.userId] },
  { id: 'C0APPROVAL', name: 'approvals', members: ['U0ADMNORA', 'U0APRSAMIR', LOCAL_SLACK_BOT.userId] },
  { id: 'C0RANDOM01', name: 'random', members: everyone },
];

export const slackApiOptionsSchema = z.object({
  port: z.number().int().min(0).max(65535).default(0),
  team: z
    .object({ id: z.string().regex(/^T[A-Z0-9]+$/), name: z.string(), domain: z.string() })
    .default({ id: 'T0LOCAL001', name: 'Contoso', domain: 'contoso-local' }),
  bot: z
    .object({
      token: z.string().regex(/^xoxb-/, 'a bot token starts with xoxb-'),
      userId: z.string(),
      botId: z.string(),
      appId: z.string(),
      name: z.string(),
    })
    .default({ ...LOCAL_SLACK_BOT }),
  users: z.array(userSchema).default(() => LOCAL_SLACK_USERS.map((user) => userSchema.parse(user))),
  channels: z.array(channelSchema).default(() => LOCAL_SLACK_CHANNELS.map((channel) => ({ ...channel }))),
});

export type SlackApiOptionsInput = z.input<typeof slackApiOptionsSchema>;
export type SlackApiOptions = z.output<typeof slackApiOptionsSchema>;
export type SlackUser = SlackApiOptions['users'][number];
