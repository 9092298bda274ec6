import type { SandboxClock } from '../clock.js';
import type { GraphRequest, GraphResponse } from '../graph-types.js';
import type { SandboxOptions } from '../options.js';
import type { TenantStore } from '../tenant/store.js';
import type { WriterContext } from '../tenant/user-writer.js';

/** A message accepted by POST /users/{id}/sendMail, as recorded for inspection. */
export interface SentMail {
  time: string;
  fromUserId: string;
  from: string;
  subject: string;
  contentType: string;
  content: string;
  toRecipients: string[];
  ccRecipients: string[];
  saveToSentItems: boolean;
}

/** What every Graph route may use; one instance per sandbox. */
export interface TenantServices {
  store: TenantStore;
  clock: SandboxClock;
  options: SandboxOptions;
  writer: WriterContext;
  /** 'http://127.0.0.1:P/' — the base of nextLinks, deltaLinks and @odata.context. */
  graphBase: string;
  /** Whether any seeded user is directory-synced (organization.onPremisesSyncEnabled). */
  hasSyncedUsers: boolean;
  recordMail(mail: SentMail): void;
}

export interface RouteContext {
  request: GraphRequest;
  /** Decoded path segments after the version: ['users', 'abc', 'assignLicense']. */
  segments: string[];
  roles: ReadonlySet<string>;
  tenant: TenantServices;
}

export type Route = (context: RouteContext) => GraphResponse;

const JSON_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): GraphResponse {
  return { status, headers: { 'content-type': JSON_CONTENT_TYPE, ...headers }, body };
}

export function emptyResponse(status: 202 | 204): GraphResponse {
  return { status, headers: {} };
}
