import { connect, createServer, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a database server. `cut()` stops listening and resets every open
 * connection at once: to the driver, exactly what a server that crashed or a network that dropped looks like,
 * without waiting for the server's own graceful shutdown.
 */
export interface OutageProxy {
  /** host:port clients connect to. */
  address: string;
  cut(): Promise<void>;
}

export async function startOutageProxy(upstreamPort: number): Promise<OutageProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: upstreamPort });
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    address: `127.0.0.1:${port}`,
    cut: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        for (const socket of sockets) socket.resetAndDestroy();
      }),
  };
}
