import { connect, createServer } from 'node:net';

/**
 * A port free on 127.0.0.1 right now, for child processes that need their port on the command line (FerretDB,
 * the Agents Playground) and so cannot be handed port 0. Another process may take it before the child binds;
 * callers start the child straight away and surface its bind error if that happens.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolvePort(port);
      });
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` (a server started, or one gone). */
export function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolveAnswer(true);
    });
    socket.once('error', () => {
      resolveAnswer(false);
    });
  });
}
