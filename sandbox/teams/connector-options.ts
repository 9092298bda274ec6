import { z } from 'zod';
import {
  LOCAL_BOT,
  LOCAL_GROUP_CHAT,
  LOCAL_TEAM,
  LOCAL_TEAMS_PEOPLE,
  LOCAL_TENANT_ID,
} from './playground-users.js';

const personSchema = z.object({
  /** MRI, e.g. `29:1f3a…`. */
  id: z.string().regex(/^29:/, 'a Teams user id (MRI) starts with 29:'),
  aadObjectId: z.guid(),
  name: z.string().min(1),
  givenName: z.string().default(''),
  surname: z.string().default(''),
  email: z.string().min(3),
  userPrincipalName: z.string().min(3),
});

const channelSchema = z.object({ id: z.string().regex(/^19:/), name: z.string().min(1) });

export const connectorOptionsSchema = z.object({
  port: z.number().int().min(0).max(65535).default(0),
  tenantId: z.guid().default(LOCAL_TENANT_ID),
  bot: z.object({ id: z.string().regex(/^28:/), name: z.string().min(1) }).default({ ...LOCAL_BOT }),
  /** The tenant's people the bot can meet; every one is in the team and the group chat. */
  users: z
    .array(personSchema)
    .min(1)
    .default(() => LOCAL_TEAMS_PEOPLE.map((user) => ({ ...user }))),
  team: z
    .object({ id: z.string().regex(/^19:/), name: z.string().min(1), channels: z.array(channelSchema) })
    .default({
      id: LOCAL_TEAM.id,
      name: LOCAL_TEAM.name,
      channels: [{ ...LOCAL_TEAM.approvalsChannel }],
    }),
  groupChat: z.object({ id: z.string().regex(/^19:/) }).default({ id: LOCAL_GROUP_CHAT.id }),
  /**
   * With an app id, every call needs `Authorization: Bearer <JWT>` signed by one of `jwks`' keys, audience
   * https://api.botframework.com and appid/azp = appId (what the Bot Connector checks). Without it the connector
   * is anonymous, as for a bot with an empty MicrosoftAppId (botbuilder then sends no token).
   */
  auth: z
    .object({
      appId: z.guid(),
      jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) }),
    })
    .optional(),
});

export type ConnectorOptionsInput = z.input<typeof connectorOptionsSchema>;
export type ConnectorOptions = z.output<typeof connectorOptionsSchema>;
export type ConnectorPerson = ConnectorOptions['users'][number];
