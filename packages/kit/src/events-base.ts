import type { z } from 'zod';
import type { EventBus, EventMeta, SubscribeOptions, Topic, Unsubscribe } from './events.js';
import type { Logger } from './logger.js';

type Handler = (payload: unknown, meta: EventMeta) => void | Promise<void>;

/** The handlers that share one listener: a topic's broadcast, or one durable group on a topic. */
interface Listening {
  topic: string;
  group?: string;
  schema: z.ZodType;
  handlers: Set<Handler>;
  /** Settles when the back end listens (or has failed to): every subscriber waits for it. */
  ready: Promise<void>;
}

/**
 * Shared by every back end: handler bookkeeping (one listener per topic, or per topic and group
 * where the back end keeps groups, however many handlers), validation, isolation of failing handlers.
 */
export abstract class BaseBus implements EventBus {
  private readonly listening = new Map<string, Listening>();
  /** Back ends without durable groups treat a group subscription as a broadcast one. */
  protected readonly keepsGroups: boolean = false;

  constructor(protected readonly logger?: Logger) {}

  abstract start(): Promise<void>;
  abstract close(): Promise<void>;
  protected abstract send(topic: string, body: string): Promise<void>;
  protected abstract listen(topic: string, group?: string): Promise<void>;
  protected abstract unlisten(topic: string, group?: string): Promise<void>;

  async publish<T>(topic: Topic<T>, payload: T): Promise<void> {
    await this.send(topic.name, JSON.stringify(topic.schema.parse(payload)));
  }

  async subscribe<T>(
    topic: Topic<T>,
    handler: (payload: T, meta: EventMeta) => void | Promise<void>,
    options: SubscribeOptions = {},
  ): Promise<Unsubscribe> {
    const group = this.keepsGroups ? options.group : undefined;
    const key = listenKey(topic.name, group);
    let joined: Listening | undefined;
    // A subscriber that comes while the first one's listen is under way waits for it too (it would
    // otherwise be told it listens before it does, or join a listener that failed); and should
    // the last handler leave meanwhile, it starts over.
    while (!joined) {
      let entry = this.listening.get(key);
      if (!entry) {
        const created: Listening = {
          topic: topic.name,
          group,
          schema: topic.schema,
          handlers: new Set(),
          ready: this.listen(topic.name, group).catch((error: unknown) => {
            // Not listening: the next subscriber must try again rather than join a deaf entry.
            if (this.listening.get(key) === created) this.listening.delete(key);
            throw error;
          }),
        };
        this.listening.set(key, (entry = created));
      }
      await entry.ready;
      if (this.listening.get(key) === entry) joined = entry;
    }
    joined.handlers.add(handler as Handler);
    return async () => {
      joined.handlers.delete(handler as Handler);
      if (joined.handlers.size === 0 && this.listening.get(key) === joined) {
        this.listening.delete(key);
        await this.unlisten(topic.name, group);
      }
    };
  }

  /** Back ends that keep no events have none to give. */
  async since<T>(
    _topic: Topic<T>,
    _cursor: string,
    _limit?: number,
  ): Promise<{ events: Array<{ payload: T; cursor: string }>; complete: boolean } | undefined> {
    return undefined;
  }

  /** The topics listened to for broadcast, to listen again after a reconnect. */
  protected topics(): string[] {
    return [...this.listening.values()].filter((entry) => entry.group === undefined).map((entry) => entry.topic);
  }

  /** A received body as the topic's payload, or undefined (logged) when it does not match. */
  protected parse<T>(topic: string, schema: z.ZodType<T>, body: string): T | undefined {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    this.logger?.warn({ topic }, 'event dropped: payload does not match its topic');
    return undefined;
  }

  /**
   * Hands a received body to the topic's (or group's) handlers; bad payloads and failing handlers
   * are logged. Resolves when every handler has finished, for a caller that takes one event at a time.
   */
  protected deliver(topic: string, body: string, meta: EventMeta = {}, group?: string): Promise<void> {
    const entry = this.listening.get(listenKey(topic, group));
    if (!entry) return Promise.resolve();
    const payload = this.parse(topic, entry.schema, body);
    if (payload === undefined) return Promise.resolve();
    const runs = [...entry.handlers].map((handler) =>
      Promise.resolve()
        .then(() => handler(payload, meta))
        .catch((error: unknown) => this.logger?.error({ err: error, topic, group }, 'event handler failed')),
    );
    return Promise.all(runs).then(() => undefined);
  }
}

const listenKey = (topic: string, group?: string) => (group === undefined ? topic : `${topic}\n${group}`);

/** Events within this process only: for a subgraph without a database (nothing to listen on). */
export class LocalBus extends BaseBus {
  async start(): Promise<void> {}
  async close(): Promise<void> {}
  protected async send(topic: string, body: string): Promise<void> {
    void this.deliver(topic, body);
  }
  protected async listen(): Promise<void> {}
  protected async unlisten(): Promise<void> {}
}
