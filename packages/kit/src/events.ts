import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import pg from 'pg';
import type { z } from 'zod';
import { BaseBus, LocalBus } from './events-base.js';
import type { Logger } from './logger.js';

/** A named stream of events whose payloads a zod schema describes. */
export interface Topic<T> {
  name: string;
  schema: z.ZodType<T>;
}

export function topic<T>(name: string, schema: z.ZodType<T>): Topic<T> {
  if (!/^[a-z][a-z0-9_.-]{0,40}$/.test(name)) throw new Error(`topic names look like "alerts": ${name}`);
  return { name, schema };
}

export type Unsubscribe = () => Promise<void>;

/** Where an event stands in its topic's stream, when the back end keeps one (NATS): resume after it. */
export interface EventMeta {
  cursor?: string;
}

export interface SubscribeOptions {
  /**
   * A durable group (a service's name): each event goes to one member of the group, and what is
   * published while every member is away waits for them (NATS, within EVENTS_RETENTION_SEC).
   * Without NATS every subscriber gets every event live, so a group's handler must be idempotent.
   */
  group?: string;
}

/** Publish/subscribe between processes; the same interface on every back end. */
export interface EventBus {
  publish<T>(topic: Topic<T>, payload: T): Promise<void>;
  subscribe<T>(
    topic: Topic<T>,
    handler: (payload: T, meta: EventMeta) => void | Promise<void>,
    options?: SubscribeOptions,
  ): Promise<Unsubscribe>;
  /**
   * The events of `topic` published after `cursor`, oldest first, up to those published by now
   * (at most `limit`, default 10,000); `complete` is false when some after the cursor are no
   * longer kept (retention) or past the limit. `undefined` when this back end keeps no events
   * (PostgreSQL, Redis, local).
   */
  since<T>(
    topic: Topic<T>,
    cursor: string,
    limit?: number,
  ): Promise<{ events: Array<{ payload: T; cursor: string }>; complete: boolean } | undefined>;
  close(): Promise<void>;
}

export interface EventBusOptions {
  /** PostgreSQL LISTEN/NOTIFY on this database (the default back end); none set: this process only. */
  databaseUrl?: string;
  /** Redis pub/sub instead, for many replicas. */
  redisUrl?: string;
  /** NATS JetStream instead of either: events kept for a while, durable groups, resume by cursor. */
  natsUrl?: string;
  /** How long NATS keeps events (seconds; default a day). */
  retentionSec?: number;
  logger?: Logger;
}

/** NATS when NATS_URL is set, else Redis when REDIS_URL is, else PostgreSQL LISTEN/NOTIFY on the service's database. */
export async function createEventBus(options: EventBusOptions): Promise<EventBus> {
  // The NATS and Redis clients are loaded only when used: a restart is faster without them.
  const bus = options.natsUrl
    ? new (await import('./events-nats.js')).NatsBus(options.natsUrl, options.retentionSec ?? 86_400, options.logger)
    : options.redisUrl
      ? new RedisBus((await import('ioredis')).Redis, options.redisUrl, options.logger)
      : options.databaseUrl
        ? new PostgresBus(options.databaseUrl, options.logger)
        : new LocalBus(options.logger);
  await bus.start();
  return bus;
}

// NOTIFY payloads must stay under 8000 bytes; larger ones are stored and sent by reference.
const NOTIFY_LIMIT = 7000;
/**
 * Large payloads compressed with lz4 where the server has it (PostgreSQL 14+, built with lz4,
 * which lists it among default_toast_compression's values): a stored batch's readings (200 KB for
 * 10,000) in under a millisecond, where the default pglz takes about 3.5 to the same size. Set
 * once; a server without it keeps pglz, and the table is not locked to learn that.
 */
const LZ4_PAYLOADS = `do $$ begin
  if exists (select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)) then
    if exists (select 1 from pg_attribute where attrelid = 'sy_events.payloads'::regclass and attname = 'body'
               and attcompression is distinct from 'l') then
      alter table sy_events.payloads alter column body set compression lz4;
    end if;
  end if;
end $$`;
const channel = (topic: string) => `sy_${topic.replace(/[^a-z0-9_]/g, '_')}`;

class PostgresBus extends BaseBus {
  private readonly pool: pg.Pool;
  private listener?: pg.Client;
  private connecting?: pg.Client;
  private retry?: NodeJS.Timeout;
  private closed = false;
  private readonly names = new Map<string, string>();

  constructor(
    private readonly url: string,
    logger?: Logger,
  ) {
    super(logger);
    this.pool = new pg.Pool({ connectionString: url, max: 2 });
    // An idle connection the server dropped is replaced on the next query; it must not crash us.
    this.pool.on('error', (error) => this.logger?.warn({ err: error }, 'event publisher connection dropped'));
  }

  async start(): Promise<void> {
    await this.pool
      .query(
        `/* eventsSchema */ create schema if not exists sy_events;
      create table if not exists sy_events.payloads (
        id uuid primary key, topic text not null, body text not null, created_at timestamptz not null default now());
      create index if not exists payloads_created_idx on sy_events.payloads (created_at);
      ${LZ4_PAYLOADS}`,
      )
      .catch((error: { code?: string }) => {
        // Two services creating it at the same moment: the other one won.
        if (error.code !== '23505' && error.code !== '42P07') throw error;
      });
    await this.connect();
  }

  /** One LISTEN connection; when it drops, a new one listens again to every topic. */
  private async connect(attempt = 0): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'switchyard-events' });
    client.on('notification', (message) => void this.received(message.channel, message.payload ?? ''));
    client.on('error', (error) => this.logger?.warn({ err: error }, 'event listener connection failed'));
    client.on('end', () => {
      if (this.closed || this.listener !== client) return;
      this.listener = undefined;
      this.retry = setTimeout(() => void this.connect(1).catch(() => undefined), 100);
      this.retry.unref();
    });
    this.connecting = client;
    try {
      await client.connect();
      // Listen first, then take over; a topic subscribed meanwhile is caught just after.
      const listening = new Set<string>();
      for (const topic of this.topics()) {
        await client.query(`listen ${channel(topic)}`);
        listening.add(topic);
      }
      if (this.closed) throw new Error('event bus closed');
      this.listener = client;
      for (const topic of this.topics()) if (!listening.has(topic)) await client.query(`listen ${channel(topic)}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      if (this.closed) return;
      this.logger?.warn({ err: error, attempt }, 'event listener cannot connect; retrying');
      await new Promise<void>((resolve) => {
        this.retry = setTimeout(resolve, Math.min(5000, 100 * 2 ** attempt));
        this.retry.unref();
      });
      return this.connect(attempt + 1);
    } finally {
      if (this.connecting === client) this.connecting = undefined;
    }
    if (attempt > 0) this.logger?.info('event listener reconnected');
  }

  private async received(channelName: string, payload: string): Promise<void> {
    const topic = this.names.get(channelName);
    if (!topic) return;
    try {
      const envelope = JSON.parse(payload) as { body?: string; ref?: string };
      if (envelope.ref) {
        const { rows } = await this.pool.query('/* eventPayload */ select body from sy_events.payloads where id = $1', [
          envelope.ref,
        ]);
        if (rows[0]) void this.deliver(topic, rows[0].body as string);
      } else if (typeof envelope.body === 'string') void this.deliver(topic, envelope.body);
    } catch (error) {
      this.logger?.error({ err: error, topic }, 'event could not be read');
    }
  }

  protected async send(topic: string, body: string): Promise<void> {
    // A body longer than the limit in characters is longer in bytes: not written out a second time.
    let envelope = body.length > NOTIFY_LIMIT ? '' : JSON.stringify({ body });
    if (!envelope || Buffer.byteLength(envelope) > NOTIFY_LIMIT) {
      const id = randomUUID();
      await this.pool.query(
        `/* storeEventPayload */ with gone as (delete from sy_events.payloads where created_at < now() - interval '1 hour')
         insert into sy_events.payloads (id, topic, body) values ($1, $2, $3)`,
        [id, topic, body],
      );
      envelope = JSON.stringify({ ref: id });
    }
    await this.pool.query('/* notify */ select pg_notify($1, $2)', [channel(topic), envelope]);
  }

  protected async listen(topic: string): Promise<void> {
    this.names.set(channel(topic), topic);
    await this.listener?.query(`listen ${channel(topic)}`);
  }

  protected async unlisten(topic: string): Promise<void> {
    await this.listener?.query(`unlisten ${channel(topic)}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.connecting?.end().catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }
}

class RedisBus extends BaseBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;

  constructor(RedisClient: typeof Redis, url: string, logger?: Logger) {
    super(logger);
    // ioredis reconnects by itself and subscribes again to every channel.
    this.publisher = new RedisClient(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
    this.subscriber = new RedisClient(url, { lazyConnect: true });
    this.subscriber.on('message', (name: string, body: string) => void this.deliver(name.replace(/^sy:/, ''), body));
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('error', (error) => this.logger?.warn({ err: error }, 'redis connection failed'));
    }
  }

  async start(): Promise<void> {
    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
  }

  protected async send(topic: string, body: string): Promise<void> {
    await this.publisher.publish(`sy:${topic}`, body);
  }

  protected async listen(topic: string): Promise<void> {
    await this.subscriber.subscribe(`sy:${topic}`);
  }

  protected async unlisten(topic: string): Promise<void> {
    await this.subscriber.unsubscribe(`sy:${topic}`);
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    await this.publisher.quit().catch(() => undefined);
  }
}
