import { type AssertionSigner, VIEWER_HEADER } from '@switchyard/kit';
import { type Client, createClient } from 'graphql-ws';
import { Gauge, type Registry } from 'prom-client';
import WebSocket from 'ws';

/** How long a subgraph has to accept a subscription's socket. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** `ws` with a handshake deadline, so a subgraph that never answers cannot hold a socket open. */
class TimedWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols, { handshakeTimeout: CONNECT_TIMEOUT_MS });
  }
}

/**
 * The gateway's graphql-ws sockets to subgraphs: one per subgraph, shared by every caller's
 * subscriptions to it (each operation carries its own caller's viewer assertion in its
 * extensions), opened by the first subscription and closed as soon as the last one ends. The
 * socket itself carries an assertion of no one, so the subgraph knows it comes from the gateway.
 * A socket that drops fails its subscriptions' sinks; each subscription subscribes again itself.
 */
export class UpstreamSockets {
  private readonly clients = new Map<string, { url: string; client: Client }>();
  /** Each subgraph's socket: when it was last acknowledged, and whether it is open now. */
  private readonly connections = new Map<string, { at: number; open: boolean }>();
  private readonly open: Gauge;

  constructor(
    private readonly assertions: AssertionSigner,
    registry: Registry,
    /** Between pings on each socket; a pong that takes longer ends the socket. */
    private readonly pingMs: number,
  ) {
    this.open = new Gauge({
      name: 'gateway_upstream_sockets',
      help: 'WebSockets open from the gateway to subgraphs, carrying subscriptions.',
      labelNames: ['subgraph'],
      registers: [registry],
    });
  }

  /** The socket to `service` at `url` (a new one when its URL changed; the old closes with its last subscription). */
  client(service: string, url: string): Client {
    const known = this.clients.get(service);
    if (known?.url === url) return known.client;
    let opened = false;
    // A path that died silently (no reset, no FIN) looks open for ever: a ping that goes
    // unanswered for pingMs ends the socket at once (a close handshake could not pass either),
    // and its subscriptions subscribe again.
    let socket: WebSocket | undefined;
    let deadline: NodeJS.Timeout | undefined;
    const client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: TimedWebSocket,
      lazy: true,
      lazyCloseTimeout: 0,
      retryAttempts: 0,
      connectionAckWaitTimeout: CONNECT_TIMEOUT_MS,
      connectionParams: async () => ({ [VIEWER_HEADER]: await this.assertions.sign({ viewer: null }, service) }),
      keepAlive: this.pingMs,
      on: {
        ping: (received) => {
          if (!received) deadline ??= setTimeout(() => socket?.terminate(), this.pingMs);
        },
        pong: (received) => {
          if (received) deadline = void clearTimeout(deadline);
        },
        opened: (opening) => {
          socket = opening as WebSocket;
          opened = true;
          this.open.inc({ subgraph: service });
        },
        connected: () => this.connections.set(service, { at: Date.now(), open: true }),
        closed: () => {
          deadline = void clearTimeout(deadline);
          socket = undefined;
          if (opened) this.open.dec({ subgraph: service });
          opened = false;
          const connection = this.connections.get(service);
          if (connection && this.clients.get(service)?.client === client) connection.open = false;
        },
      },
    });
    this.clients.set(service, { url, client });
    return client;
  }

  /** The socket to `service`: when it was last acknowledged, and whether it is open now. */
  connection(service: string): { at: number; open: boolean } | undefined {
    const connection = this.connections.get(service);
    return connection && { ...connection };
  }

  /** Closes every socket (the gateway stops). */
  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map(({ client }) => client.dispose()));
    this.clients.clear();
  }
}
