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

/** A process's place in a durable group: it takes one event at a time. */
interface Member {
  topic: string;
  group: string;
  stopped: boolean;
  /** The pull under way, closed to stop at once. */
  pull?: ConsumerMessages;
  /** Cuts a pause between attempts short. */
  wake?: () => void;
  served: Promise<void>;
}

/**
 * Events kept in a JetStream stream for EVENTS_RETENTION_SEC: broadcast subscribers follow their
 * topic live, durable groups resume where they stopped, and `since` reads back from a cursor.
 */
export class NatsBus extends BaseBus {
  protected override readonly keepsGroups = true;
  private connection?: NatsConnection;
  private manager?: JetStreamManager;
  private readonly broadcasts = new Map<string, { consumer: Consumer; messages: ConsumerMessages }>();
  private readonly members = new Map<string, Member>();

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
    if (group === undefined) await this.follow(topic);
    else await this.join(topic, group);
  }

  /**
   * Broadcast: an ordered consumer from the event after the stream's last. (Deliver policy "new"
   * would do the same, except that the client restarts a consumer that lost its connection before
   * its first event from the stream's beginning.)
   */
  private async follow(topic: string): Promise<void> {
    const { state } = await this.jsm.streams.info(STREAM);
    const consumer = await this.js.consumers.get(STREAM, {
      filter_subjects: subject(topic),
      opt_start_seq: state.last_seq + 1,
    });
    const messages = await consumer.consume();
    this.broadcasts.set(topic, { consumer, messages });
    void (async () => {
      for await (const message of messages) void this.deliver(topic, message.string(), { cursor: String(message.seq) });
    })().catch((error: unknown) => this.logger?.error({ err: error, topic }, 'stopped listening to events'));
  }

  /**
   * Durable group: this process becomes a member and takes the group's events one by one. The
   * group's consumer exists when this resolves, so what is published from then on is the group's.
   */
  private async join(topic: string, group: string): Promise<void> {
    if (!group) throw new Error('an event group needs a name');
    const consumer = await this.durable(topic, group);
    const member: Member = { topic, group, stopped: false, served: Promise.resolve() };
    member.served = this.serve(member, consumer);
    this.members.set(memberKey(topic, group), member);
  }

  private async serve(member: Member, first: Consumer): Promise<void> {
    let consumer: Consumer | undefined = first;
    for (let failures = 0; !member.stopped;) {
      try {
        consumer ??= await this.durable(member.topic, member.group);
        // One event per pull: none waits here while a handler runs, so none is handed to another
        // member (its acknowledgement overdue) while this one still holds it.
        member.pull = await consumer.fetch({ max_messages: 1, expires: 30_000 });
        if (member.stopped) await member.pull.close();
        for await (const message of member.pull) {
          failures = 0;
          // At most once: the handlers run only after the server has taken the acknowledgement;
          // should it not arrive, the event may go to a member again, never to these handlers.
          if (!(await message.ackAck().catch(() => false))) {
            this.logger?.warn(
              { topic: member.topic, group: member.group },
              'event not acknowledged; left for redelivery',
            );
            continue;
          }
          await this.deliver(member.topic, message.string(), { cursor: String(message.seq) }, member.group);
        }
      } catch (error) {
        if (member.stopped) break;
        this.logger?.warn(
          { err: error, topic: member.topic, group: member.group },
          'event group pull failed; retrying',
        );
        consumer = undefined;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(5000, 100 * 2 ** failures++));
          member.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  /** The group's durable consumer on the topic, made on first use (from then on it keeps its place). */
  private async durable(topic: string, group: string): Promise<Consumer> {
    const name = durableName(group, topic);
    await this.jsm.consumers
      .add(STREAM, {
        durable_name: name,
        filter_subject: subject(topic),
        ack_policy: AckPolicy.Explicit,
        // A new group begins with what is published from now on; events before it are not its own.
        deliver_policy: DeliverPolicy.New,
      })
      .catch(async (error: unknown) => {
        // One made with other settings (by another version) serves as it is.
        await this.jsm.consumers.info(STREAM, name).catch(() => Promise.reject(error));
      });
    return this.js.consumers.get(STREAM, name);
  }

  protected async unlisten(topic: string, group?: string): Promise<void> {
    if (group === undefined) {
      const broadcast = this.broadcasts.get(topic);
      this.broadcasts.delete(topic);
      await broadcast?.messages.close();
      await broadcast?.consumer.delete().catch(() => undefined);
      return;
    }
    const member = this.members.get(memberKey(topic, group));
    this.members.delete(memberKey(topic, group));
    if (!member) return;
    member.stopped = true;
    member.wake?.();
    await member.pull?.close();
    // The event in hand (already acknowledged) is finished, not dropped.
    await member.served;
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
    await Promise.all([
      ...[...this.broadcasts.keys()].map((topic) => this.unlisten(topic)),
      ...[...this.members.values()].map((member) => this.unlisten(member.topic, member.group)),
    ]);
    await this.connection?.close();
  }
}

const memberKey = (topic: string, group: string) => `${topic}\n${group}`;

/**
 * The durable consumer of `group` on `topic`: readable where NATS allows (letters, digits, `_`,
 * `-`), and a hash of both names so that `a.b` and `a_b` stay apart.
 */
export function durableName(group: string, topic: string): string {
  const hash = createHash('sha256').update(`${group}\n${topic}`).digest('hex').slice(0, 8);
  return `${group}_${topic}`.replace(/[^A-Za-z0-9_-]/g, '_') + `_${hash}`;
}
