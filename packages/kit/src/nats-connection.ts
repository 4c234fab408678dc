import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from './logger.js';

/**
 * NATS_URL as the client's options: the client reads neither credentials nor `tls://` from a URL,
 * so `nats://user:password@host`, `nats://token@host` and `tls://host` are turned into options here.
 */
export function natsOptions(url: string, name: string): ConnectionOptions {
  const parsed = new URL(url);
  const options: ConnectionOptions = {
    servers: `${parsed.hostname}:${parsed.port || 4222}`,
    name,
    // A process outlives any outage of the server: it reconnects for as long as it runs.
    maxReconnectAttempts: -1,
  };
  if (parsed.protocol === 'tls:') options.tls = {};
  if (parsed.password) {
    options.user = decodeURIComponent(parsed.username);
    options.pass = decodeURIComponent(parsed.password);
  } else if (parsed.username) options.token = decodeURIComponent(parsed.username);
  return options;
}

/** Connects, and logs what becomes of the connection (the client reconnects and resubscribes by itself). */
export async function connectNats(url: string, name: string, logger?: Logger): Promise<NatsConnection> {
  const connection = await connect(natsOptions(url, name));
  void (async () => {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') logger?.warn({ server: status.server }, 'NATS connection lost; reconnecting');
      else if (status.type === 'reconnect') logger?.info({ server: status.server }, 'NATS connection back');
      else if (status.type === 'error') logger?.warn({ err: status.error }, 'NATS reported an error');
    }
  })();
  void connection.closed().then((error) => {
    if (error) logger?.error({ err: error }, 'NATS connection closed');
  });
  return connection;
}
