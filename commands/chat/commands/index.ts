import type { ChatCommand } from '../command.js';
import { adminsGrant } from './admins-grant.js';
import { adminsList } from './admins-list.js';
import { adminsRevoke } from './admins-revoke.js';
import { approvals } from './approvals.js';
import { audit } from './audit.js';
import { bind } from './bind.js';
import { block } from './block.js';
import { digestSubscribe } from './digest-subscribe.js';
import { digestUnsubscribe } from './digest-unsubscribe.js';
import { disconnect } from './disconnect.js';
import { expiring } from './expiring.js';
import { help } from './help.js';
import { importPreview } from './import-preview.js';
import { importUsers } from './import.js';
import { passwordReset } from './password-reset.js';
import { reconcile } from './reconcile.js';
import { status } from './status.js';
import { unbind } from './unbind.js';
import { unblock } from './unblock.js';

/** Every chat command, in the order help lists them. */
export const CHAT_COMMANDS: readonly ChatCommand[] = [
  help,
  status,
  importPreview,
  importUsers,
  bind,
  unbind,
  block,
  unblock,
  passwordReset,
  expiring,
  reconcile,
  audit,
  approvals,
  digestSubscribe,
  digestUnsubscribe,
  disconnect,
  adminsList,
  adminsGrant,
  adminsRevoke,
];
