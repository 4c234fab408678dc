import type { EventBus, EventMeta, Topic, Unsubscribe } from './events.js';

/** Which events a receiver wants: those whose keys (a user's id, a site's) include one of its own. */
export interface Route<T> {
  keysOf: (payload: T) => Iterable<string>;
  keys: readonly string[];
}

type Receiver<T> = (payload: T, meta: EventMeta) => void;

/**
 * One listener per (bus, topic) in a process, shared by every subscriber to that topic: an event
 * is parsed once, handed to the subscribers that want everything, and found by key for those that
 * want some (a `Route`), so it costs the same with ten subscribers as with ten thousand.
 */
class Fanout<T> {
  private readonly everyone = new Set<Receiver<T>>();
  /** Per keysOf function (one per topic in practice): key → receivers. */
  private readonly routed = new Map<Route<T>['keysOf'], Map<string, Set<Receiver<T>>>>();
  private readonly members = new Map<Receiver<T>, Route<T> | undefined>();
  private listening?: Promise<Unsubscribe>;

  constructor(
    private readonly bus: EventBus,
    private readonly topic: Topic<T>,
    private readonly forget: () => void,
  ) {}

  /** Listening has begun when it resolves; the returned function stops this receiver. */
  async add(receiver: Receiver<T>, route?: Route<T>): Promise<() => Promise<void>> {
    this.members.set(receiver, route);
    if (route) {
      let byKey = this.routed.get(route.keysOf);
      if (!byKey) this.routed.set(route.keysOf, (byKey = new Map()));
      for (const key of route.keys) {
        let set = byKey.get(key);
        if (!set) byKey.set(key, (set = new Set()));
        set.add(receiver);
      }
    } else this.everyone.add(receiver);
    this.listening ??= this.bus.subscribe(this.topic, (payload, meta) => this.dispatch(payload, meta));
    try {
      await this.listening;
    } catch (error) {
      await this.remove(receiver);
      throw error;
    }
    return () => this.remove(receiver);
  }

  private async remove(receiver: Receiver<T>): Promise<void> {
    if (!this.members.has(receiver)) return;
    const route = this.members.get(receiver);
    this.members.delete(receiver);
    if (route) {
      const byKey = this.routed.get(route.keysOf);
      for (const key of route.keys) {
        const set = byKey?.get(key);
        set?.delete(receiver);
        if (set?.size === 0) byKey!.delete(key);
      }
      if (byKey?.size === 0) this.routed.delete(route.keysOf);
    } else this.everyone.delete(receiver);
    if (this.members.size > 0) return;
    // The last one left: stop listening, and let the next subscriber start a new fanout.
    this.forget();
    const listening = this.listening;
    this.listening = undefined;
    await (
      await listening?.catch(() => undefined)
    )?.();
  }

  private dispatch(payload: T, meta: EventMeta): void {
    for (const receiver of this.everyone) receiver(payload, meta);
    if (!this.routed.size) return;
    // A receiver under two of the event's keys gets it once.
    const reached = new Set<Receiver<T>>();
    for (const [keysOf, byKey] of this.routed) {
      for (const key of keysOf(payload)) {
        for (const receiver of byKey.get(key) ?? []) {
          if (reached.has(receiver)) continue;
          reached.add(receiver);
          receiver(payload, meta);
        }
      }
    }
  }
}

const fanouts = new WeakMap<EventBus, Map<string, Fanout<unknown>>>();

/** Receives `topic`'s events (those of `route`'s keys, or all) through the process's one listener. */
export function receive<T>(
  bus: EventBus,
  topic: Topic<T>,
  receiver: Receiver<T>,
  route?: Route<T>,
): Promise<() => Promise<void>> {
  let byTopic = fanouts.get(bus);
  if (!byTopic) fanouts.set(bus, (byTopic = new Map()));
  let fanout = byTopic.get(topic.name) as Fanout<T> | undefined;
  if (!fanout) {
    const created = new Fanout(bus, topic, () => {
      if (byTopic.get(topic.name) === created) byTopic.delete(topic.name);
    });
    byTopic.set(topic.name, created as Fanout<unknown>);
    fanout = created;
  }
  return fanout.add(receiver, route);
}
