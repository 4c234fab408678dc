import { createServer, type Server, type Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP proxy to a real server that a test can cut and restore: a database or a peer going away. */
export interface TcpProxy {
  port: number;
  /** Drops every connection and refuses new ones (ECONNRESET, then ECONNREFUSED), as a dead server. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  /**
   * Stops passing bytes on the connections open now, both ways, without closing them: a network
   * path that died silently (no reset, no FIN). New connections pass as before.
   */
  freeze(): void;
  close(): Promise<void>;
}

export async function tcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server;
  let port = 0;
  const listen = async () => {
    server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  };
  const cut = async () => {
    const closed = new Promise((resolve) => server.close(resolve));
    for (const socket of sockets) socket.resetAndDestroy();
    await closed;
  };
  const freeze = () => {
    for (const socket of sockets) {
      socket.unpipe();
      socket.pause();
    }
  };
  await listen();
  return { port, cut, restore: listen, freeze, close: () => (server.listening ? cut() : Promise.resolve()) };
}

/** The same PostgreSQL URL, through `proxy`. */
export function throughProxy(url: string, proxy: TcpProxy): string {
  const through = new URL(url);
  through.hostname = '127.0.0.1';
  through.port = String(proxy.port);
  return through.toString();
}
