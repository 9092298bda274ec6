import type { ImportPreviewFilter, PreviewRow } from './classify.js';
import { engineContext, type EngineDeps } from './context.js';
import type { Actor, Connection } from './model.js';
import { bind, retryAddressRelease, type AddressRetryInput, type BindOptions } from './operations/bind.js';
import { block, unblock } from './operations/block.js';
import {
  connect,
  connectionStatus,
  deactivate,
  type ConnectionStatus,
  type DeactivateReport,
} from './operations/connection.js';
import { expirePassword } from './operations/expire-password.js';
import { expiring, type ExpiringPassword } from './operations/expiring.js';
import {
  importPreview,
  streamImportPreview,
  type ImportPreview,
  type ImportPreviewOptions,
} from './operations/import-preview.js';
import { importUsers, type ImportSelection } from './operations/import.js';
import { reconcile, type ReconcileOptions, type ReconcileReport } from './operations/reconcile.js';
import { resetPassword, type ResetOptions } from './operations/reset-password.js';
import { unbind } from './operations/unbind.js';
import type { OperationReport, UserResult } from './results.js';
import type { RunOptions } from './runner.js';

/**
 * The provisioning engine: every operation the chat commands and scheduled jobs call. It depends only on the
 * ports (directory repositories, the Graph gateway, jobs, clock); see commands/engine/ports.ts.
 */
export interface Engine {
  status(): Promise<ConnectionStatus>;
  connect(actor: Actor): Promise<Connection>;
  deactivate(actor: Actor): Promise<DeactivateReport>;
  importPreview(filter: ImportPreviewFilter, options?: ImportPreviewOptions): Promise<ImportPreview>;
  streamImportPreview(filter: ImportPreviewFilter): AsyncIterable<PreviewRow>;
  import(selection: ImportSelection, options: RunOptions): Promise<OperationReport>;
  bind(emails: readonly string[], options: BindOptions & RunOptions): Promise<OperationReport>;
  unbind(emails: readonly string[], options: RunOptions): Promise<OperationReport>;
  block(emails: readonly string[], options: RunOptions): Promise<OperationReport>;
  unblock(emails: readonly string[], options: RunOptions): Promise<OperationReport>;
  /** Each user's new password is in its result row, and nowhere else. */
  resetPassword(emails: readonly string[], options: ResetOptions & RunOptions): Promise<OperationReport>;
  /** The password-expiry job's handler. */
  expirePassword(userId: string): Promise<UserResult>;
  /** The address-release job's handler. */
  retryAddressRelease(input: AddressRetryInput): Promise<UserResult>;
  reconcile(options: ReconcileOptions): Promise<ReconcileReport>;
  expiring(days: number): Promise<ExpiringPassword[]>;
}

export function createEngine(deps: EngineDeps): Engine {
  const context = engineContext(deps);
  return {
    status: () => connectionStatus(context),
    connect: (actor) => connect(context, actor),
    deactivate: (actor) => deactivate(context, actor),
    importPreview: (filter, options) => importPreview(context, filter, options),
    streamImportPreview: (filter) => streamImportPreview(context, filter),
    import: (selection, options) => importUsers(context, selection, options),
    bind: (emails, options) => bind(context, emails, options),
    unbind: (emails, options) => unbind(context, emails, options),
    block: (emails, options) => block(context, emails, options),
    unblock: (emails, options) => unblock(context, emails, options),
    resetPassword: (emails, options) => resetPassword(context, emails, options),
    expirePassword: (userId) => expirePassword(context, userId),
    retryAddressRelease: (input) => retryAddressRelease(context, input),
    reconcile: (options) => reconcile(context, options),
    expiring: (days) => expiring(context, days),
  };
}
