import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';

/**
 * The receiving half of a WebSocket client (RFC 6455), enough to read a server's text frames: Node 20 has no
 * WebSocket without a flag, and the project takes no dependency for this. Pings are answered; the client sends
 * nothing else but its close frame.
 */
export interface TextStream {
  /** Calls `listener` with every text message, those already received first. */
  onText(listener: (text: string) => void): void;
  close(): void;
}

const OPCODE = { continuation: 0x0, text: 0x1, close: 0x8, ping: 0x9 } as const;

/** A client frame (clients must mask what they send). */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, index) => byte ^ (mask[index % 4] ?? 0)));
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, masked]);
}

interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
  size: number;
}

/** The first complete frame in `buffer`, or null when more bytes are needed. */
function readFrame(buffer: Buffer): Frame | null {
  if (buffer.length < 2) return null;
  const first = buffer[0] ?? 0;
  const second = buffer[1] ?? 0;
  let length = second & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return null;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return null;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  const masked = (second & 0x80) !== 0;
  const mask = masked ? buffer.subarray(offset, offset + 4) : null;
  if (masked) offset += 4;
  if (buffer.length < offset + length) return null;
  const payload = Buffer.from(buffer.subarray(offset, offset + length));
  if (mask)
    for (let index = 0; index < payload.length; index += 1)
      payload[index] = (payload[index] ?? 0) ^ (mask[index % 4] ?? 0);
  return { fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload, size: offset + length };
}

function consume(socket: Socket, emit: (text: string) => void): void {
  let pending = Buffer.alloc(0);
  let message: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (let frame = readFrame(pending); frame; frame = readFrame(pending)) {
      pending = pending.subarray(frame.size);
      if (frame.opcode === OPCODE.ping) socket.write(clientFrame(0xa, frame.payload));
      else if (frame.opcode === OPCODE.close) socket.end();
      else if (frame.opcode === OPCODE.text || frame.opcode === OPCODE.continuation) {
        message.push(frame.payload);
        if (frame.fin) {
          emit(Buffer.concat(message).toString('utf8'));
          message = [];
        }
      }
    }
  });
}

/** Connects to `ws://host:port/path` and resolves once the server accepted the upgrade. */
export function openTextStream(url: string): Promise<TextStream> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({
      host: target.hostname,
      port: target.port,
      path: `${target.pathname}${target.search}`,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        'sec-websocket-version': '13',
      },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      reject(new Error(`${url} refused the WebSocket upgrade with HTTP ${res.statusCode ?? '?'}`));
    });
    req.once('upgrade', (_res, socket: Socket, head: Buffer) => {
      const listeners: ((text: string) => void)[] = [];
      // Servers may send at once (the Playground flushes buffered messages on connect): keep everything.
      const received: string[] = [];
      consume(socket, (text) => {
        received.push(text);
        for (const listener of listeners) listener(text);
      });
      if (head.length > 0) socket.unshift(head);
      resolve({
        onText(listener) {
          for (const text of received) listener(text);
          listeners.push(listener);
        },
        close() {
          if (!socket.destroyed) socket.end(clientFrame(OPCODE.close, Buffer.alloc(0)));
          socket.destroy();
        },
      });
    });
    req.end();
  });
}
