import { createHash } from 'node:crypto';
import {
  AckPolicy,
  type Consumer,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  jetstreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { BadUserInputError } from './errors.js';
import { BaseBus } from './events-base.js';
import type { Topic } from './events.js';
import type { Logger } from './logger.js';
import { connectNats } from './nats-connection.js';

/** One stream keeps every topic's events, a subject per topic, so one retention setting covers them. */
const STREAM = 'SWITCHYARD_EVENTS';
const subject = (topic: string) => `sy.${topic}`;
const nanos = (ms: number) => ms * 1_000_000;

/** One topic followed (broadcast) or served (a group's member), until unsubscribed. */
interface Listener {
  topic: string;
  group?: string;
  stopped: boolean;
  /** Failures in a row, for the pause before starting over. */
  failures: number;
  /** The consumer's messages being read now, closed to stop at once. */
  reading?: ConsumerMessages;
  /** Cuts a pause before starting over short. */
  wake?: () => void;
  done: Promise<void>;
}

/**
 * Events kept in a JetStream stream for EVENTS_RETENTION_SEC: broadcast subscribers follow their
 * topic live, durable groups resume where they stopped, and `since` reads back from a cursor.
 */
export class NatsBus extends BaseBus {
  protected override readonly keepsGroups = true;
  private connection?: NatsConnection;
  private manager?: JetStreamManager;
  private readonly listeners = new Map<string, Listener>();

  constructor(
    private readonly url: string,
    private readonly retentionSec: number,
    logger?: Logger,
  ) {
    super(logger);
  }

  private get jsm(): JetStreamManager {
    if (!this.manager) throw new Error('the NATS event bus is not started');
    return this.manager;
  }

  private get js(): JetStreamClient {
    return this.jsm.jetstream();
  }

  async start(): Promise<void> {
    this.connection = await connectNats(this.url, 'switchyard-events', this.logger);
    try {
      this.manager = await jetstreamManager(this.connection);
      await this.ensureStream();
    } catch (error) {
      await this.connection.close();
      throw error;
    }
  }

  /** Creates the stream, or brings an existing one's retention to EVENTS_RETENTION_SEC (other settings are the operator's). */
  private async ensureStream(): Promise<void> {
    const maxAge = nanos(this.retentionSec * 1000);
    // The same settings twice is no error: processes starting together all get here.
    const created = await this.jsm.streams
      .add({ name: STREAM, subjects: ['sy.>'], max_age: maxAge })
      .then(() => true)
      .catch(() => false);
    if (created) return;
    const { config } = await this.jsm.streams.info(STREAM);
    if (config.max_age === maxAge) return;
    this.logger?.warn({ from: config.max_age / 1e9, to: this.retentionSec }, 'event retention changed');
    await this.jsm.streams.update(STREAM, { ...config, max_age: maxAge });
  }

  protected async send(topic: string, body: string): Promise<void> {
    // The client would refuse it too, with a message that names neither the topic nor the limit.
    const bytes = Buffer.byteLength(body);
    const limit = this.connection?.info?.max_payload ?? Infinity;
    if (bytes > limit) throw new Error(`an event on ${topic} is ${bytes} bytes; NATS takes at most ${limit}`);
    await this.js.publish(subject(topic), body);
  }

  protected async listen(topic: string, group?: string): Promise<void> {
    const listener: Listener = { topic, group, stopped: false, failures: 0, done: Promise.resolve() };
    let read: () => Promise<void>;
    if (group === undefined) {
      // Fixed now: what is published from here on is this subscriber's, however late its consumer.
      let next = (await this.jsm.streams.info(STREAM)).state.last_seq + 1;
      read = () => this.follow(listener, next, (seq) => (next = seq + 1));
    } else {
      if (!group) throw new Error('an event group needs a name');
      // The group's consumer exists from here on, so what is published from now is the group's.
      await this.durable(topic, group);
      read = () => this.serve(listener, group);
    }
    listener.done = this.keepReading(listener, read);
    this.listeners.set(listenerKey(topic, group), listener);
  }

  /** Runs `read` until the listener stops, starting it over after a failure (later each time in a row). */
  private async keepReading(listener: Listener, read: () => Promise<void>): Promise<void> {
    while (!listener.stopped) {
      try {
        await read();
      } catch (error) {
        if (listener.stopped) return;
        const { topic, group } = listener;
        this.logger?.warn({ err: error, topic, group }, 'reading events failed; starting over');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(5000, 100 * 2 ** listener.failures++));
          listener.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  /**
   * Broadcast: an ordered consumer of the topic from `from`, which the client makes again by itself
   * after a lost connection; should it give up, `keepReading` starts over after the last event.
   * (Deliver policy "new" would not do: the client restarts a consumer that has had no event yet
   * from the stream's beginning.)
   */
  private async follow(listener: Listener, from: number, delivered: (seq: number) => void): Promise<void> {
    const consumer = await this.js.consumers.get(STREAM, {
      filter_subjects: subject(listener.topic),
      opt_start_seq: from,
    });
    try {
      listener.reading = await consumer.consume();
      if (listener.stopped) await listener.reading.close();
      for await (const message of listener.reading) {
        listener.failures = 0;
        delivered(message.seq);
        void this.deliver(listener.topic, message.string(), { cursor: String(message.seq) });
      }
      if (!listener.stopped) throw new Error('the NATS client stopped following the topic');
    } finally {
      await consumer.delete().catch(() => undefined);
    }
  }

  /** A member of a durable group: takes the group's events one by one. */
  private async serve(listener: Listener, group: string): Promise<void> {
    const consumer = await this.durable(listener.topic, group);
    while (!listener.stopped) {
      // One event per pull: none waits here while a handler runs, so none is handed to another
      // member (its acknowledgement overdue) while this one still holds it.
      listener.reading = await consumer.fetch({ max_messages: 1, expires: 30_000 });
      if (listener.stopped) await listener.reading.close();
      for await (const message of listener.reading) {
        listener.failures = 0;
        // At most once: the handlers run only after the server has taken the acknowledgement;
        // should it not arrive, the event may go to a member again, never to these handlers.
        if (!(await message.ackAck().catch(() => false))) {
          this.logger?.warn({ topic: listener.topic, group }, 'event not acknowledged; left for redelivery');
          continue;
        }
        await this.deliver(listener.topic, message.string(), { cursor: String(message.seq) }, group);
      }
    }
  }

  /**
   * The group's durable consumer on the topic, made on first use (from then on it keeps its place).
   * One event out at a time: an event handed to a member that was cut off meanwhile comes back
   * (after the acknowledgement wait, 30 s) before any later one, so a group is handed its topic in
   * order (a member acknowledges before its handlers run, so two members' handlers may overlap).
   */
  private async durable(topic: string, group: string): Promise<Consumer> {
    const name = durableName(group, topic);
    await this.jsm.consumers
      .add(STREAM, {
        durable_name: name,
        filter_subject: subject(topic),
        ack_policy: AckPolicy.Explicit,
        max_ack_pending: 1,
        // A new group begins with what is published from now on; events before it are not its own.
        deliver_policy: DeliverPolicy.New,
      })
      .catch(async (error: unknown) => {
        // One made by an earlier version keeps its other settings, but not more than one event out.
        const { config } = await this.jsm.consumers.info(STREAM, name).catch(() => Promise.reject(error));
        if (config.max_ack_pending !== 1) await this.jsm.consumers.update(STREAM, name, { max_ack_pending: 1 });
      });
    return this.js.consumers.get(STREAM, name);
  }

  protected async unlisten(topic: string, group?: string): Promise<void> {
    const listener = this.listeners.get(listenerKey(topic, group));
    this.listeners.delete(listenerKey(topic, group));
    if (!listener) return;
    listener.stopped = true;
    listener.wake?.();
    await listener.reading?.close();
    // A group's event in hand (already acknowledged) is finished, not dropped.
    await listener.done;
  }

  override async since<T>(
    topic: Topic<T>,
    cursor: string,
    limit = 10_000,
  ): Promise<{ events: Array<{ payload: T; cursor: string }>; complete: boolean }> {
    if (!/^\d{1,15}$/.test(cursor)) throw new BadUserInputError('cursor', 'not a cursor of this event stream');
    if (!Number.isInteger(limit) || limit < 1) throw new BadUserInputError('limit', 'must be a positive integer');
    const after = Number(cursor);
    const { state } = await this.jsm.streams.info(STREAM);
    // A cursor past the stream's end is from another stream (one deleted and made again).
    if (after >= state.last_seq) return { events: [], complete: after === state.last_seq };
    // Events expire oldest first, whatever their topic: when the stream's first kept event comes
    // later than the one after the cursor, some after it are gone, perhaps of this topic.
    const kept = state.first_seq <= after + 1;
    const consumer = await this.js.consumers.get(STREAM, {
      filter_subjects: subject(topic.name),
      opt_start_seq: after + 1,
    });
    try {
      // What is pending now, not what arrives while reading, so a busy topic cannot keep us here.
      const pending = (await consumer.info(true)).num_pending;
      const wanted = Math.min(pending, limit);
      const events: Array<{ payload: T; cursor: string }> = [];
      let read = 0;
      while (read < wanted) {
        const before = read;
        const batch = await consumer.fetch({ max_messages: Math.min(wanted - read, 1000), expires: 10_000 });
        for await (const message of batch) {
          read++;
          const payload = this.parse(topic.name, topic.schema, message.string());
          if (payload !== undefined) events.push({ payload, cursor: String(message.seq) });
        }
        // The rest expired while we read.
        if (read === before) break;
      }
      return { events, complete: kept && pending <= limit && read === wanted };
    } finally {
      await consumer.delete().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.listeners.values()].map(({ topic, group }) => this.unlisten(topic, group)));
    await this.connection?.close();
  }
}

const listenerKey = (topic: string, group?: string) => `${topic}\n${group ?? ''}`;

/**
 * The durable consumer of `group` on `topic`: readable where NATS allows (letters, digits, `_`,
 * `-`), and a hash of both names so that `a.b` and `a_b` stay apart.
 */
export function durableName(group: string, topic: string): string {
  const hash = createHash('sha256').update(`${group}\n${topic}`).digest('hex').slice(0, 8);
  return `${group}_${topic}`.replace(/[^A-Za-z0-9_-]/g, '_') + `_${hash}`;
}
