import { randomUUID } from 'node:crypto';
import type { GraphResponse } from './graph-types.js';

/** Graph's innerError.date: 'YYYY-MM-DDTHH:MM:SS' in UTC, no fraction, no zone (graph-behaviour §0). */
export function graphDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19);
}

export interface GraphErrorInit {
  status: number;
  code: string;
  message: string;
  /** Sandbox clock time of the request. */
  now: number;
  requestId?: string;
  clientRequestId?: string;
  details?: { code: string; message: string; target: string }[];
  /** Extra innerError members (the 429 sample carries code, message and status there). */
  innerExtra?: Record<string, string>;
  headers?: Record<string, string>;
}

/** The documented error envelope: {"error":{code,message,details?,innerError:{date,request-id,client-request-id}}}. */
export function graphError(init: GraphErrorInit): GraphResponse {
  const requestId = init.requestId ?? randomUUID();
  const clientRequestId = init.clientRequestId ?? requestId;
  const error: Record<string, unknown> = { code: init.code, message: init.message };
  if (init.details) error['details'] = init.details;
  error['innerError'] = {
    ...init.innerExtra,
    date: graphDate(init.now),
    'request-id': requestId,
    'client-request-id': clientRequestId,
  };
  return {
    status: init.status,
    headers: {
      'content-type': 'application/json',
      'request-id': requestId,
      'client-request-id': clientRequestId,
      ...init.headers,
    },
    body: { error },
  };
}
