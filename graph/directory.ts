import { AddressHeldError, M365UserNotFoundError, UpnConflictError } from '../commands/errors.js';
import { M365_USER_PROPERTIES, m365UserSchema } from '../commands/engine/m365.js';
import type {
  M365Directory,
  M365User,
  M365UserQuery,
  NewM365User,
  RequestTrace,
  SubscribedSku,
  SyncedPatch,
  TenantInfo,
} from '../commands/engine/ports.js';
import { emailLookupFilter, equalsFilter, nextLinkPath, pathSegment, queryString } from './odata.js';
import type { GraphCall, GraphReply } from './request-path.js';
import {
  domainsSchema,
  organizationSchema,
  parseResponse,
  subscribedSkusSchema,
  userCollectionSchema,
} from './schemas.js';

/** The gateway's single request path (dry-run guard, pacing, batching, retries): the only way out. */
export type Sender = (call: GraphCall, trace?: RequestTrace) => Promise<GraphReply>;

const USER_SELECT = M365_USER_PROPERTIES.join(',');
const PAGE_SIZE = '999';

function read(path: string, operation: string, subject: string, batchable = true): GraphCall {
  return { method: 'GET', path, batchable, onAmbiguous: 'retry', context: { operation, subject } };
}

function userPath(id: string, suffix = ''): string {
  return `/users/${pathSegment(id)}${suffix}`;
}

/**
 * M365Directory on Microsoft Graph. Each method describes its request (path, body, whether it may be batched,
 * whether it may repeat, and how to word its failures) and hands it to the Sender; responses are parsed with
 * zod. Nothing here talks to graph-client, so nothing here can bypass the dry-run guard.
 */
export class GraphDirectory implements M365Directory {
  constructor(
    private readonly send: Sender,
    private readonly graphBaseUrl: string,
  ) {}

  async getTenantInfo(trace?: RequestTrace): Promise<TenantInfo> {
    const [organization, domains] = await Promise.all([
      this.send(read('/organization', 'read the organisation', 'the tenant'), trace),
      this.send(read('/domains', "read the tenant's domains", 'the tenant'), trace),
    ]);
    const [tenant] = parseResponse(organizationSchema, organization.body, 'read the organisation').value;
    const domainList = parseResponse(domainsSchema, domains.body, "read the tenant's domains").value;
    return {
      tenantId: tenant?.id ?? '',
      displayName: tenant?.displayName ?? '',
      domains: domainList.map((domain) => ({
        name: domain.id,
        federated: domain.authenticationType === 'Federated',
        isDefault: domain.isDefault,
        isInitial: domain.isInitial,
        verified: domain.isVerified,
      })),
    };
  }

  /**
   * Pages of up to 999 users with the product's properties, one request at a time (bounded memory).
   * department and accountEnabled are filtered by Graph; domains are matched here, because `endsWith` is an
   * advanced query in Graph (ConsistencyLevel: eventual + $count), which this walk avoids. Empty pages are
   * skipped.
   */
  async *listUsers(query: M365UserQuery = {}, trace?: RequestTrace): AsyncIterable<M365User[]> {
    const clauses: string[] = [];
    if (query.department !== undefined) clauses.push(equalsFilter('department', query.department));
    if (query.accountEnabled !== undefined) clauses.push(`accountEnabled eq ${String(query.accountEnabled)}`);
    const filter = clauses.length > 0 ? clauses.join(' and ') : undefined;
    const suffixes = query.domains?.map((domain) => `@${domain.toLowerCase()}`);
    let path: string | undefined =
      `/users${queryString({ $filter: filter, $select: USER_SELECT, $top: PAGE_SIZE })}`;
    while (path !== undefined) {
      const reply = await this.send(read(path, 'read users', 'users', false), trace);
      const page = parseResponse(userCollectionSchema, reply.body, 'read users');
      const users = suffixes ? page.value.filter((user) => inDomains(user, suffixes)) : page.value;
      if (users.length > 0) yield users;
      const nextLink = page['@odata.nextLink'];
      path = nextLink === undefined ? undefined : nextLinkPath(nextLink, this.graphBaseUrl);
    }
  }

  /**
   * One query (mail, UPN or proxy address — operators Graph allows without ConsistencyLevel, graph-behaviour
   * §2), then an exact match here, preferring mail, then UPN, then a proxy address.
   */
  async findUserByEmail(email: string, trace?: RequestTrace): Promise<M365User | null> {
    const path = `/users${queryString({ $filter: emailLookupFilter(email), $select: USER_SELECT })}`;
    const reply = await this.send(read(path, 'read users', email), trace);
    const users = parseResponse(userCollectionSchema, reply.body, 'read users').value;
    const wanted = email.toLowerCase();
    return (
      users.find((user) => user.mail?.toLowerCase() === wanted) ??
      users.find((user) => user.userPrincipalName.toLowerCase() === wanted) ??
      users.find((user) => user.proxyAddresses.some((proxy) => proxy.toLowerCase() === `smtp:${wanted}`)) ??
      null
    );
  }

  async getUser(id: string, trace?: RequestTrace): Promise<M365User | null> {
    try {
      const reply = await this.send(
        read(userPath(id, queryString({ $select: USER_SELECT })), 'read users', id),
        trace,
      );
      return parseResponse(m365UserSchema, reply.body, 'read users');
    } catch (error) {
      if (error instanceof M365UserNotFoundError) return null;
      throw error;
    }
  }

  /**
   * POST /users. If the connection was lost after Graph may have created the user and the retry then meets a
   * conflict, the user is read back: when it carries exactly what was sent, it is the one created here.
   */
  async createUser(user: NewM365User, trace?: RequestTrace): Promise<M365User> {
    const ambiguity = { seen: false };
    const call: GraphCall = {
      method: 'POST',
      path: '/users',
      body: createUserBody(user),
      batchable: true,
      onAmbiguous: 'retry',
      ambiguity,
      context: { operation: 'create users', subject: user.userPrincipalName },
    };
    try {
      const reply = await this.send(call, trace);
      // Graph returns the default property set; what was just written fills in the rest.
      return parseResponse(
        m365UserSchema,
        { ...createdAttributes(user), ...asObject(reply.body) },
        'create users',
      );
    } catch (error) {
      if (!ambiguity.seen || !(error instanceof UpnConflictError || error instanceof AddressHeldError))
        throw error;
      const existing = await this.getUser(user.userPrincipalName, trace);
      if (existing && isTheCreatedUser(existing, user)) return existing;
      throw error;
    }
  }

  async updateUser(id: string, patch: SyncedPatch, trace?: RequestTrace): Promise<void> {
    const body = Object.fromEntries(
      Object.entries(patch as Record<string, unknown>).filter(([, value]) => value !== undefined),
    );
    const attributes = Object.keys(body);
    if (attributes.length === 0) return;
    const onlySignIn = attributes.every((attribute) => attribute === 'accountEnabled');
    const operation = onlySignIn ? 'block or unblock sign-in' : 'update users';
    await this.send(write('PATCH', userPath(id), body, { operation, subject: id, attributes }), trace);
  }

  async setPassword(
    id: string,
    password: string,
    forceChangeNextSignIn: boolean,
    trace?: RequestTrace,
  ): Promise<void> {
    const body = { passwordProfile: { password, forceChangePasswordNextSignIn: forceChangeNextSignIn } };
    const context = {
      operation: 'set passwords (this also needs the User Administrator role)',
      subject: id,
      attributes: ['passwordProfile'],
    };
    await this.send(write('PATCH', userPath(id), body, context), trace);
  }

  async revokeSignInSessions(id: string, trace?: RequestTrace): Promise<void> {
    // Graph answers 200 {value: true} rather than the documented 204 (graph-behaviour §4): any 2xx is fine.
    const context = { operation: 'revoke sign-in sessions', subject: id };
    await this.send(write('POST', userPath(id, '/revokeSignInSessions'), undefined, context), trace);
  }

  async listSubscribedSkus(trace?: RequestTrace): Promise<SubscribedSku[]> {
    const reply = await this.send(read('/subscribedSkus', 'read the subscriptions', 'the tenant'), trace);
    return parseResponse(subscribedSkusSchema, reply.body, 'read the subscriptions').value;
  }

  async assignLicence(id: string, skuId: string, trace?: RequestTrace): Promise<void> {
    const body = { addLicenses: [{ skuId, disabledPlans: [] }], removeLicenses: [] };
    const context = { operation: 'assign licences', subject: id, sku: skuId };
    await this.send(write('POST', userPath(id, '/assignLicense'), body, context), trace);
  }

  /** At most once: a lost connection is reported, not retried, so nobody gets the same mail twice. */
  async sendMail(
    fromMailbox: string,
    message: { to: string; subject: string; html: string },
    trace?: RequestTrace,
  ): Promise<void> {
    const body = {
      message: {
        subject: message.subject,
        body: { contentType: 'HTML', content: message.html },
        toRecipients: [{ emailAddress: { address: message.to } }],
      },
      // Welcome mails may carry sign-in details; they are not kept in the sender's Sent Items.
      saveToSentItems: false,
    };
    const context = { operation: `send mail as ${fromMailbox}`, subject: fromMailbox };
    await this.send(
      { ...write('POST', userPath(fromMailbox, '/sendMail'), body, context), onAmbiguous: 'fail' },
      trace,
    );
  }
}

function write(
  method: 'POST' | 'PATCH',
  path: string,
  body: unknown,
  context: GraphCall['context'],
): GraphCall {
  return {
    method,
    path,
    ...(body === undefined ? {} : { body }),
    batchable: true,
    onAmbiguous: 'retry',
    context,
  };
}

function inDomains(user: M365User, suffixes: readonly string[]): boolean {
  const addresses = [user.mail, user.userPrincipalName].map((address) => address?.toLowerCase() ?? '');
  return addresses.some((address) => suffixes.some((suffix) => address.endsWith(suffix)));
}

function createUserBody(user: NewM365User): Record<string, unknown> {
  const { password, forceChangePasswordNextSignIn, businessPhones, ...attributes } = user;
  const present = Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== null));
  return {
    ...present,
    ...(businessPhones.length > 0 ? { businessPhones } : {}),
    passwordProfile: { password, forceChangePasswordNextSignIn },
  };
}

/** A new user as Graph holds it right after POST /users (its own id and defaults come from the reply). */
function createdAttributes(user: NewM365User): Record<string, unknown> {
  const {
    password: _password,
    forceChangePasswordNextSignIn: _force,
    mailNickname: _nickname,
    ...attributes
  } = user;
  return {
    ...attributes,
    userType: 'Member',
    onPremisesSyncEnabled: false,
    proxyAddresses: [`SMTP:${user.mail}`],
    assignedLicenses: [],
  };
}

function asObject(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

function isTheCreatedUser(existing: M365User, sent: NewM365User): boolean {
  const same = (a: string | null, b: string | null): boolean =>
    (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
  return (
    same(existing.userPrincipalName, sent.userPrincipalName) &&
    same(existing.mail, sent.mail) &&
    existing.displayName === sent.displayName &&
    existing.givenName === sent.givenName &&
    existing.surname === sent.surname &&
    existing.employeeId === sent.employeeId
  );
}
