import { describe, expect, it } from '@jest/globals';
import { ResponseReader } from '../bench/support/ack-client.js';

/** Feeds `parts` one by one; whether the reader called the response complete after each. */
function completeAfterEach(parts: readonly string[]): { status: number; complete: boolean[] } {
  const reader = new ResponseReader();
  const complete = parts.map((part) => {
    reader.add(Buffer.from(part, 'latin1'));
    return reader.complete;
  });
  return { status: reader.status, complete };
}

describe('the ack client reads a response up to its last byte', () => {
  it('by Content-Length, however the bytes are split', () => {
    expect(
      completeAfterEach(['HTTP/1.1 200 OK\r\nContent-Len', 'gth: 5\r\nConnection: close\r\n\r\nab', 'cde']),
    ).toEqual({ status: 200, complete: [false, false, true] });
  });

  it('with an empty body as soon as the headers are in', () => {
    expect(completeAfterEach(['HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'])).toEqual({
      status: 200,
      complete: [true],
    });
  });

  it('by the last chunk of a chunked body', () => {
    expect(
      completeAfterEach([
        'HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\n\r\n',
        '5\r\nnope!\r\n',
        '0\r\n\r\n',
      ]),
    ).toEqual({ status: 401, complete: [false, false, true] });
  });

  it('never on its own when neither says where the body ends (the connection closing does)', () => {
    expect(completeAfterEach(['HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n', 'body'])).toEqual({
      status: 200,
      complete: [false, false],
    });
  });
});
