import type { Db } from 'mongodb';
import type { ChatStores } from '../../../commands/chat/ports.js';
import { registerLockDatabase } from '../document-lock.js';
import type { RepositoryOptions } from '../shared.js';
import { MongoApprovalRequests } from './approval-requests.js';
import { MongoChatAuditReader } from './audit-reader.js';
import { MongoDigestSubscriptions } from './digest-subscriptions.js';
import { MongoConversationRefs, MongoTrackedMessages } from './messages.js';
import { MongoChatRoles } from './roles.js';
import { MongoChatViews } from './views.js';

export {
  MongoApprovalRequests,
  MongoChatAuditReader,
  MongoChatRoles,
  MongoChatViews,
  MongoConversationRefs,
  MongoDigestSubscriptions,
  MongoTrackedMessages,
};

/**
 * The chat core's stores on one MongoDB database (the engine's, beside its repositories). Relies on the
 * indexes in storage/collections.ts: call ensureIndexes(db) at start-up, as bot/app.ts does.
 */
export function createChatRepositories(db: Db, options: RepositoryOptions = {}): ChatStores {
  // Conditional updates hold the document lock, whose leases live in this database (see document-lock.ts).
  registerLockDatabase(db);
  return {
    roles: new MongoChatRoles(db),
    requests: new MongoApprovalRequests(db, options),
    tracked: new MongoTrackedMessages(db),
    views: new MongoChatViews(db, options),
    conversations: new MongoConversationRefs(db),
    subscriptions: new MongoDigestSubscriptions(db),
    auditReader: new MongoChatAuditReader(db),
  };
}
