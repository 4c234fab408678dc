import { createServer, type Server } from 'node:net';
import { hostname } from 'node:os';
import type { EventBus, Logger, Metrics, Orm } from '@switchyard/kit';
import { isMissingPartition } from '@switchyard/sensors/readings';
import { createBroker } from 'aedes';
import { connect, type MqttClient } from 'mqtt';
import { Counter, Gauge } from 'prom-client';
import type { IncomingReading } from '../readings/check.js';
import { storeReadings } from '../readings/store.js';
import { MicroBatcher } from './batcher.js';
import { HeldAcks } from './held-acks.js';

export interface StreamOptions {
  /** An external broker (mqtt://, mqtts://); without it, a broker in this process on `port`. */
  url?: string;
  port: number;
  /** Where the in-process broker listens. */
  host?: string;
  clientId?: string;
  /** Whether a publisher's password (a token) may write sensor readings, for the in-process broker. */
  mayPublish: (token: string) => Promise<boolean>;
  /** Replicas in one group share the messages (`$share/<group>/...`). */
  shareGroup: string;
  /** How long the broker keeps a disconnected replica's session (and queues its messages). */
  sessionExpirySec: number;
  /** Connections to an external broker, each taking the messages sent ahead into the shared batches. */
  subscribers: number;
  keepaliveSec: number;
  /** A batch is stored once it holds this many messages, or `batchWaitMs` after its first one. */
  batchMessages: number;
  batchWaitMs: number;
}

interface Message {
  topic: string;
  readings: IncomingReading[];
}

/** Where MQTT readings are taken, or why not: for npm start's summary of listeners. */
export function announceMqtt(state: { url: string; external?: boolean } | { off: string }): void {
  if (process.env.SWITCHYARD_PROGRESS === '1') process.send?.({ mqtt: state });
}

const TOPIC = /^sensors\/([^/]+)\/readings$/;
/** Readings in one message, and in one micro-batch, at most (as in one ingestReadings batch). */
const MAX_READINGS = 10_000;
/** Messages an external broker may send ahead on each connection, unacknowledged. */
const RECEIVE_MAXIMUM = 20;
/** Readings waiting for a batch beyond which connections to an external broker read no further. */
const BACKLOG_READINGS = 2 * MAX_READINGS;

/**
 * Readings over MQTT: the topic `sensors/<code>/readings` carries `{ "at": ISO time, "value":
 * number }` or a list of them. Messages are gathered into micro-batches (BATCH settings), each
 * checked like ingestReadings' rows and stored in one transaction, and every message of a batch
 * is acknowledged (QoS 1) only after that commit: a message is stored at least once, and a reading
 * stored twice is the same reading, so none is lost or doubled. Refused readings are logged and
 * counted (the publisher cannot be answered).
 *
 * Without MQTT_URL this process runs the broker (aedes) on MQTT_PORT, and a publish is stored
 * before the broker acknowledges it to the publisher. With MQTT_URL, `subscribers` connections
 * of this replica share the group's messages ($share/<group>/...) with other replicas.
 */
export class ReadingStream {
  private clients: MqttClient[] = [];
  private server?: Server;
  private broker?: ReturnType<typeof createBroker>;
  private readonly counted;
  private readonly batcher: MicroBatcher<Message>;
  private stopping = false;

  constructor(
    private readonly orm: Orm,
    private readonly events: EventBus,
    private readonly options: StreamOptions,
    private readonly logger: Logger,
    metrics: Metrics,
  ) {
    const registers = [metrics.registry];
    this.counted = {
      subscribed: new Gauge({
        name: 'mqtt_subscribed',
        help: '1 while MQTT readings are taken (the subscription, or the broker in this process, is up).',
        registers,
      }),
      stored: new Counter({ name: 'mqtt_readings_stored_total', help: 'Readings stored from MQTT.', registers }),
      duplicate: new Counter({
        name: 'mqtt_readings_duplicate_total',
        help: 'Readings from MQTT already stored (a redelivery, or sent twice).',
        registers,
      }),
      refused: new Counter({
        name: 'mqtt_readings_refused_total',
        help: 'Readings from MQTT refused, by reason.',
        labelNames: ['reason'],
        registers,
      }),
      batches: new Counter({ name: 'mqtt_batches_total', help: 'Micro-batches of MQTT messages stored.', registers }),
      lost: new Counter({
        name: 'mqtt_connections_lost_total',
        help: 'Connections to the MQTT broker lost (a keep-alive that lapsed, the broker gone...).',
        registers,
      }),
    };
    this.batcher = new MicroBatcher((messages) => this.store(messages), {
      size: (message) => message.readings.length,
      maxSize: MAX_READINGS,
      maxItems: options.batchMessages,
      waitMs: options.batchWaitMs,
      concurrency: 2,
    });
  }

  async start(): Promise<void> {
    if (this.options.url) {
      announceMqtt({ url: this.options.url.replace(/\/\/[^@/]*@/, '//'), external: true });
      return this.subscribe(this.options.url);
    }
    // Our own broker: a publisher signs in with a token that may write sensor readings (as its
    // password); its messages are stored as they are published, and nobody subscribes.
    this.broker = createBroker({
      authenticate: (_client, _username, secret, done) => {
        const refuse = () => done(Object.assign(new Error('not authorized'), { returnCode: 5 }), false);
        const token = secret?.toString();
        if (!token) return refuse();
        this.options.mayPublish(token).then((ok) => (ok ? done(null, true) : refuse()), refuse);
      },
      authorizeSubscribe: (_client, _subscription, done) => done(new Error('not allowed'), null),
      // The broker acknowledges a QoS 1 publish once this calls back: after the commit.
      authorizePublish: (_client, packet, done) => {
        if (this.stopping) return done(new Error('stopping'));
        const message = this.parse(packet.topic, packet.payload as Buffer);
        if (!message) return done(null);
        this.batcher.add(message).then(
          () => done(null),
          (error: unknown) => done(error as Error),
        );
      },
    });
    this.server = createServer(this.broker.handle);
    const listening = await new Promise<boolean>((resolve) => {
      this.server!.once('error', (error) => {
        this.logger.error(
          { err: error, port: this.options.port },
          'MQTT broker could not listen: MQTT readings are off',
        );
        const code = (error as { code?: string }).code;
        announceMqtt({
          off: `port ${this.options.port} ${code === 'EADDRINUSE' ? 'is taken by another program' : `could not be used (${code ?? error.message})`}; set MQTT_PORT to a free port`,
        });
        resolve(false);
      });
      this.server!.listen(this.options.port, this.options.host, () => resolve(true));
    });
    if (!listening) return this.stopBroker();
    const { port } = this.server.address() as { port: number };
    this.logger.info({ port }, 'MQTT broker listening for sensors/<code>/readings');
    announceMqtt({ url: `mqtt://${this.options.host ?? 'localhost'}:${port}` });
    this.counted.subscribed.set(1);
  }

  /** An external broker: `subscribers` connections in the shared group. */
  private subscribe(url: string): void {
    const base = this.options.clientId ?? `switchyard-ingestion-${hostname()}`;
    const topic = `$share/${this.options.shareGroup}/sensors/+/readings`;
    for (let n = 0; n < this.options.subscribers; n++) {
      const client = connect(url, {
        // The first keeps the id replicas had before there were several.
        clientId: n === 0 ? base : `${base}-${n}`,
        clean: false,
        // MQTT 5: a persistent session that expires, so a replica gone for good leaves no session
        // behind to take its share of the messages; and up to RECEIVE_MAXIMUM messages sent ahead
        // (the broker may allow fewer), taken at once and acknowledged once stored.
        protocolVersion: 5,
        properties: { sessionExpiryInterval: this.options.sessionExpirySec, receiveMaximum: RECEIVE_MAXIMUM },
        reconnectPeriod: 1000,
        keepalive: this.options.keepaliveSec,
      });
      // Each message is taken at once and its PUBACK held until the batch holding it committed.
      // A failure leaves it unacknowledged, and reconnecting makes the broker send it again.
      const acks = new HeldAcks(client);
      client.handleMessage = (packet, callback) => {
        const { topic: name, payload, messageId } = packet as { topic: string; payload: Buffer; messageId?: number };
        // Left unacknowledged while stopping: the broker keeps it in this replica's session and
        // sends it again when the replica is back (see docs/operations.md for one gone for good).
        if (this.stopping) return callback(new Error('stopping'));
        // A QoS 0 message has no id and nothing to acknowledge.
        const stored = messageId === undefined ? () => {} : acks.hold(messageId);
        const message = this.parse(name, payload);
        if (message) {
          const connection = client.stream;
          this.batcher.add(message).then(stored, (error: unknown) => {
            this.logger.error({ err: error, topic: name }, 'could not store MQTT readings; reconnecting');
            connection.destroy();
          });
        } else stored();
        // MQTT.js reads the next message once this calls back: at once, unless many readings wait.
        void this.batcher.room(BACKLOG_READINGS).then(() => callback());
      };
      client.on('error', (error) => this.logger.warn({ err: error }, 'MQTT client error'));
      client.on('offline', () => this.counted.subscribed.set(0));
      client.on('close', () => this.counted.lost.inc());
      // Subscribed on every (re)connect; a broker down at start does not hold the service up.
      client.on('connect', () => {
        client.subscribe(topic, { qos: 1 }, (error) => {
          if (error) return this.logger.error({ err: error, topic }, 'MQTT subscription refused');
          this.counted.subscribed.set(1);
        });
      });
      this.clients.push(client);
    }
  }

  /** A message's readings; undefined (counted, logged) when it has none to store. */
  private parse(topic: string, payload: Buffer): Message | undefined {
    const code = TOPIC.exec(topic)?.[1];
    // A code the database could not take (a NUL, a lone surrogate) is no sensor's.
    if (!code || code.includes('\0') || !code.isWellFormed()) {
      this.counted.refused.inc({ reason: 'not a readings topic' });
      return undefined;
    }
    try {
      const body = JSON.parse(payload.toString('utf8')) as unknown;
      const items = (Array.isArray(body) ? body : [body]) as Array<Partial<IncomingReading>>;
      if (items.length > MAX_READINGS) {
        this.counted.refused.inc({ reason: `more than ${MAX_READINGS} readings in one message` });
        this.logger.warn({ topic, readings: items.length }, 'MQTT message refused: too many readings');
        return undefined;
      }
      return {
        topic,
        readings: items.map((item) => ({ sensorCode: code, at: String(item?.at), value: item?.value as number })),
      };
    } catch {
      this.counted.refused.inc({ reason: 'not JSON' });
      this.logger.warn({ topic }, 'MQTT message refused: not JSON');
      return undefined;
    }
  }

  /**
   * One micro-batch in one transaction. If the database refuses it as data, it is stored again
   * in halves, down to single messages, so only the one at fault is refused (and acknowledged:
   * it would fail forever).
   */
  private async store(messages: Message[]): Promise<void> {
    const readings = messages.flatMap((m) => m.readings);
    const messageOf = messages.flatMap((m, n) => m.readings.map(() => n));
    try {
      const stored = await storeReadings(this.orm.em.fork(), this.events, this.logger, readings, messageOf);
      this.counted.batches.inc();
      this.counted.stored.inc(stored.accepted);
      this.counted.duplicate.inc(stored.duplicates);
      for (const r of stored.rejected) this.counted.refused.inc({ reason: `${r.field} ${r.reason}` });
      if (stored.rejected.length) {
        this.logger.warn(
          { rejected: stored.rejected.slice(0, 20), count: stored.rejected.length },
          'MQTT readings refused',
        );
      }
    } catch (error) {
      // Data the database refuses; but a week without its partition is ours to fix, not the data's.
      const code = String((error as { code?: string }).code ?? '');
      if (!/^2[23]/.test(code) || isMissingPartition(error)) throw error;
      if (messages.length > 1) {
        // Halves, so a single bad message costs a few transactions, not one per message.
        const half = Math.ceil(messages.length / 2);
        await this.store(messages.slice(0, half));
        await this.store(messages.slice(half));
        return;
      }
      this.counted.refused.inc({ reason: 'not storable' });
      this.logger.warn({ err: error, topic: messages[0]!.topic }, 'MQTT message refused by the database');
    }
  }

  async stop(): Promise<void> {
    // What was taken is stored and acknowledged before the connections close.
    this.stopping = true;
    await this.batcher.drain();
    await Promise.all(
      this.clients.map((client) => new Promise<void>((resolve) => client.end(false, {}, () => resolve()))),
    );
    await this.stopBroker();
  }

  private async stopBroker(): Promise<void> {
    await new Promise<void>((resolve) => (this.broker ? this.broker.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.server?.listening ? this.server.close(() => resolve()) : resolve()));
  }
}
