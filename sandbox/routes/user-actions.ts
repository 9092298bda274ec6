import { z } from 'zod';
import type { GraphResponse } from '../graph-types.js';
import { GraphFailure } from '../tenant/failure.js';
import { assignLicense, revokeSignInSessions } from '../tenant/user-lifecycle.js';
import type { RouteContext } from './context.js';
import { emptyResponse, jsonResponse } from './context.js';
import { REQUIREMENTS, requirePermission } from './permissions.js';
import { projectUser, usersContext } from './projection.js';
import { targetUser } from './users.js';

/**
 * POST /users/{id}/revokeSignInSessions. Documented ideal is 204, but Graph answers 200 with
 * `{"value": true}` (known issue, graph-behaviour §4); the sandbox returns what Graph returns.
 */
export function revokeSessionsRoute(context: RouteContext): GraphResponse {
  requirePermission(context.roles, REQUIREMENTS.revokeSessions);
  revokeSignInSessions(context.tenant.writer, targetUser(context));
  return jsonResponse(200, {
    '@odata.context': `${context.tenant.graphBase}v1.0/$metadata#Edm.Boolean`,
    value: true,
  });
}

/** POST /users/{id}/assignLicense → 200 with the updated user (graph-behaviour §5). */
export function assignLicenseRoute(context: RouteContext): GraphResponse {
  requirePermission(context.roles, REQUIREMENTS.assignLicense);
  const updated = assignLicense(context.tenant.writer, targetUser(context), context.request.body);
  return jsonResponse(200, {
    '@odata.context': usersContext(context.tenant.graphBase, null, true),
    ...projectUser(updated, null),
  });
}

const recipientSchema = z.object({
  emailAddress: z.object({ address: z.email(), name: z.string().optional() }),
});
const sendMailSchema = z.object({
  message: z.object({
    subject: z.string(),
    body: z.object({ contentType: z.enum(['Text', 'HTML', 'text', 'html']), content: z.string() }),
    toRecipients: z.array(recipientSchema).min(1),
    ccRecipients: z.array(recipientSchema).optional(),
    bccRecipients: z.array(recipientSchema).optional(),
  }),
  saveToSentItems: z.boolean().optional(),
});

/**
 * POST /users/{id}/sendMail → 202 and the message is recorded for inspection. Needs Mail.Send and a mailbox
 * (a user without mail gets Exchange's MailboxNotEnabledForRESTAPI). Body errors use Exchange's
 * ErrorInvalidRequest-style answer [unconfirmed text].
 */
export function sendMailRoute(context: RouteContext): GraphResponse {
  requirePermission(context.roles, REQUIREMENTS.sendMail);
  const user = targetUser(context);
  const parsed = sendMailSchema.safeParse(context.request.body);
  if (!parsed.success) {
    throw new GraphFailure(
      400,
      'ErrorInvalidRequest',
      `The request is invalid: ${parsed.error.issues[0]?.path.join('.') ?? 'body'}.`,
    );
  }
  if (user.mail === null) {
    throw new GraphFailure(
      404,
      'MailboxNotEnabledForRESTAPI',
      'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
    );
  }
  const { message, saveToSentItems } = parsed.data;
  context.tenant.recordMail({
    time: new Date(context.tenant.clock.now()).toISOString(),
    fromUserId: user.id,
    from: user.mail,
    subject: message.subject,
    contentType: message.body.contentType,
    content: message.body.content,
    toRecipients: message.toRecipients.map((recipient) => recipient.emailAddress.address),
    ccRecipients: (message.ccRecipients ?? []).map((recipient) => recipient.emailAddress.address),
    saveToSentItems: saveToSentItems ?? true,
  });
  return emptyResponse(202);
}
