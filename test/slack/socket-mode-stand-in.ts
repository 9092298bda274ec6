import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SlackApi } from '../../sandbox/slack/api.js';

/**
 * Slack's Socket Mode side, for tests: apps.connections.open (app-level token only) hands out a ws:// URL on
 * loopback, and a minimal WebSocket server (RFC 6455: handshake, text / ping / close frames) greets the client
 * with `hello`, sends envelopes and records the client's acks. Every other Web API call is passed on to the
 * Slack Web API stand-in unchanged, so the bot's replies land there as usual.
 */

export interface SocketModeStandIn {
  /** The Web API base URL to give the adapter. */
  apiUrl: string;
  /** Sends one envelope (slash_commands, interactive, events_api) to the connected client. */
  send(envelope: Record<string, unknown>): void;
  /** Envelope ids the client acknowledged, in order. */
  acks: string[];
  connected(): boolean;
  close(): Promise<void>;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, length])
      : Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff]);
  return Buffer.concat([header, payload]);
}

/** Reads the complete client frames (always masked) at the start of `buffer`; returns them and the rest. */
function readFrames(buffer: Buffer): { frames: { opcode: number; payload: Buffer }[]; rest: Buffer } {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let offset = 0;
  while (buffer.length - offset >= 6) {
    const opcode = (buffer[offset] ?? 0) & 0x0f;
    let length = (buffer[offset + 1] ?? 0) & 0x7f;
    let start = offset + 2;
    if (length === 126) {
      length = buffer.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      length = Number(buffer.readBigUInt64BE(start));
      start += 8;
    }
    if (buffer.length < start + 4 + length) break;
    const mask = buffer.subarray(start, start + 4);
    const payload = Buffer.from(buffer.subarray(start + 4, start + 4 + length));
    for (let index = 0; index < payload.length; index += 1)
      payload[index] = (payload[index] ?? 0) ^ (mask[index % 4] ?? 0);
    frames.push({ opcode, payload });
    offset = start + 4 + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

async function forward(api: SlackApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'authorization']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const target = new URL(req.url ?? '/', `http://127.0.0.1:${api.port}`);
  const answer = await fetch(target, { method: req.method ?? 'POST', headers, body: Buffer.concat(chunks) });
  const retryAfter = answer.headers.get('retry-after');
  res.writeHead(answer.status, {
    'content-type': answer.headers.get('content-type') ?? 'application/json',
    ...(retryAfter === null ? {} : { 'retry-after': retryAfter }),
  });
  res.end(Buffer.from(await answer.arrayBuffer()));
}

export async function startSocketModeStandIn(api: SlackApi, appToken: string): Promise<SocketModeStandIn> {
  let socket: Duplex | undefined;
  const acks: string[] = [];
  const server = createServer((req, res) => {
    if (req.url === '/api/apps.connections.open') {
      const authorised = req.headers.authorization === `Bearer ${appToken}`;
      const { port } = server.address() as AddressInfo;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          authorised
            ? { ok: true, url: `ws://127.0.0.1:${port}/link` }
            : { ok: false, error: 'invalid_auth' },
        ),
      );
      return;
    }
    forward(api, req, res).catch(() => res.writeHead(502).end());
  });
  server.on('upgrade', (req: IncomingMessage, connection: Duplex) => {
    const key = req.headers['sec-websocket-key'];
    const accept = createHash('sha1')
      .update(`${String(key)}${GUID}`)
      .digest('base64');
    connection.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket = connection;
    let pending: Buffer = Buffer.alloc(0);
    connection.on('data', (chunk: Buffer) => {
      const { frames, rest } = readFrames(Buffer.concat([pending, chunk]));
      pending = rest;
      for (const { opcode, payload } of frames) {
        if (opcode === 0x9) connection.write(frame(0xa, payload));
        else if (opcode === 0x8) {
          connection.end(frame(0x8, payload.subarray(0, 2)));
          socket = undefined;
        } else if (opcode === 0x1) {
          const message = JSON.parse(payload.toString('utf8')) as { envelope_id?: string };
          if (message.envelope_id !== undefined) acks.push(message.envelope_id);
        }
      }
    });
    connection.on('error', () => undefined);
    connection.write(frame(0x1, Buffer.from(JSON.stringify({ type: 'hello', num_connections: 1 }))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    acks,
    connected: () => socket !== undefined,
    send(envelope) {
      if (socket === undefined) throw new Error('no Socket Mode client is connected');
      socket.write(frame(0x1, Buffer.from(JSON.stringify(envelope))));
    },
    async close() {
      socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
