import { createServer, type Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { EventBus, Logger, Metrics, Orm } from '@switchyard/kit';
import { insertReadings } from '@switchyard/sensors/readings';
import { createBroker } from 'aedes';
import { connect, type MqttClient } from 'mqtt';
import { Counter, Gauge } from 'prom-client';
import { announceReadings } from '../readings/announce.js';
import { checkReadings, type IncomingReading } from '../readings/check.js';

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
}

const TOPIC = /^sensors\/([^/]+)\/readings$/;

/**
 * Readings over MQTT: the topic `sensors/<code>/readings` carries `{ "at": ISO time, "value":
 * number }` or a list of them. Each message is checked like ingestReadings' rows and stored in
 * one transaction before it is acknowledged (QoS 1, a persistent session): a message is stored
 * at least once, and a reading stored twice is the same reading, so none is lost or doubled.
 * Refused readings are logged and counted (the publisher cannot be answered). Replicas share
 * an external broker's messages through a shared subscription. Without MQTT_URL this process
 * runs a broker (aedes) on MQTT_PORT for a sensor platform to publish to.
 */
export class ReadingStream {
  private client?: MqttClient;
  private server?: Server;
  private broker?: ReturnType<typeof createBroker>;
  private readonly counted;
  private readonly clientId: string;

  constructor(
    private readonly orm: Orm,
    private readonly events: EventBus,
    private readonly options: StreamOptions,
    private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.clientId = options.clientId ?? `switchyard-ingestion-${hostname()}`;
    const registers = [metrics.registry];
    this.counted = {
      subscribed: new Gauge({
        name: 'mqtt_subscribed',
        help: '1 while the MQTT subscription for sensor readings is up.',
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
    };
  }

  async start(): Promise<void> {
    let url = this.options.url;
    let password: string | undefined;
    if (!url) {
      // Our own broker: a publisher signs in with a token that may write sensor readings (as
      // its password); only this process's client may subscribe.
      password = randomBytes(24).toString('hex');
      const internal = password;
      this.broker = createBroker({
        authenticate: (client, _username, secret, done) => {
          const given = secret?.toString();
          const refuse = () => done(Object.assign(new Error('not authorized'), { returnCode: 5 }), false);
          if (given === internal) {
            (client as { internal?: boolean }).internal = true;
            return done(null, true);
          }
          if (!given) return refuse();
          this.options.mayPublish(given).then((ok) => (ok ? done(null, true) : refuse()), refuse);
        },
        authorizeSubscribe: (client, subscription, done) =>
          (client as { internal?: boolean }).internal ? done(null, subscription) : done(new Error('not allowed'), null),
      });
      this.server = createServer(this.broker.handle);
      const listening = await new Promise<boolean>((resolve) => {
        this.server!.once('error', (error) => {
          this.logger.error(
            { err: error, port: this.options.port },
            'MQTT broker could not listen: MQTT readings are off',
          );
          resolve(false);
        });
        this.server!.listen(this.options.port, this.options.host, () => resolve(true));
      });
      if (!listening) return this.stopBroker();
      const { port } = this.server.address() as { port: number };
      this.logger.info({ port }, 'MQTT broker listening for sensors/<code>/readings');
      url = `mqtt://127.0.0.1:${port}`;
    }
    const shared = Boolean(this.options.url);
    this.client = connect(url, {
      clientId: this.clientId,
      ...(password && { username: 'ingestion', password }),
      clean: false,
      // With a broker shared by replicas, MQTT 5: a persistent session that expires, so a
      // replica gone for good leaves no session behind to take its share of the messages.
      // (The in-process broker, aedes, speaks 3.1.1.)
      ...(shared && { protocolVersion: 5, properties: { sessionExpiryInterval: this.options.sessionExpirySec } }),
      reconnectPeriod: 1000,
    });
    // One message at a time, acknowledged (QoS 1) only once stored: MQTT.js sends the PUBACK when
    // this calls back. A message the database refuses as data is acknowledged and counted (it
    // would fail again forever); any other failure is not, and reconnecting makes the broker
    // send it again.
    this.client.handleMessage = (packet, callback) => {
      const { topic, payload } = packet as { topic: string; payload: Buffer };
      this.store(topic, payload).then(
        () => callback(),
        (error: unknown) => {
          const sqlState = String((error as { code?: string }).code ?? '');
          if (/^2[23]/.test(sqlState)) {
            this.counted.refused.inc({ reason: 'not storable' });
            this.logger.warn({ err: error, topic }, 'MQTT message refused by the database');
            return callback();
          }
          this.logger.error({ err: error, topic }, 'could not store MQTT readings; reconnecting');
          callback(error as Error);
          this.client?.stream.destroy();
        },
      );
    };
    this.client.on('error', (error) => this.logger.warn({ err: error }, 'MQTT client error'));
    this.client.on('offline', () => this.counted.subscribed.set(0));
    const topic = `${shared ? `$share/${this.options.shareGroup}/` : ''}sensors/+/readings`;
    // Subscribed on every (re)connect; a broker down at start does not hold the service up.
    const subscribed = new Promise<void>((resolve) => {
      this.client!.on('connect', () => {
        this.client!.subscribe(topic, { qos: 1 }, (error) => {
          if (error) return this.logger.error({ err: error, topic }, 'MQTT subscription refused');
          this.counted.subscribed.set(1);
          resolve();
        });
      });
    });
    // Our own broker is up by now: wait for the subscription, so nothing published is missed.
    if (!shared) await subscribed;
  }

  /** One message: its readings checked, the valid ones stored, the rest counted and logged. */
  private async store(topic: string, message: Buffer): Promise<void> {
    const code = TOPIC.exec(topic)?.[1];
    let readings: IncomingReading[] = [];
    try {
      const body = JSON.parse(message.toString('utf8')) as unknown;
      const items = (Array.isArray(body) ? body : [body]) as Array<Partial<IncomingReading>>;
      readings = items.map((item) => ({ sensorCode: code ?? '', at: String(item?.at), value: item?.value as number }));
    } catch {
      this.counted.refused.inc({ reason: 'not JSON' });
      this.logger.warn({ topic }, 'MQTT message refused: not JSON');
      return;
    }
    const { result, targets } = await this.orm.em.fork().transactional(async (em) => {
      const { valid, rejected, targets } = await checkReadings(em, readings);
      const result = await insertReadings(em, valid);
      this.counted.stored.inc(result.stored.length);
      this.counted.duplicate.inc(valid.length - result.stored.length);
      for (const r of rejected) this.counted.refused.inc({ reason: `${r.field} ${r.reason}` });
      if (rejected.length) this.logger.warn({ topic, rejected }, 'MQTT readings refused');
      return { result, targets };
    });
    await announceReadings(this.events, result, targets, this.logger);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.client ? this.client.end(false, {}, () => resolve()) : resolve()));
    await this.stopBroker();
  }

  private async stopBroker(): Promise<void> {
    await new Promise<void>((resolve) => (this.broker ? this.broker.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.server?.listening ? this.server.close(() => resolve()) : resolve()));
  }
}
