import type { EventBus, Topic } from './events.js';
import { receive, type Route } from './fanout.js';
import { pushIterator } from './push-iterator.js';

/**
 * A subscription's place in its topic's stream. The subgraph's context carries one per operation:
 * the gateway sets `resume` when it subscribes again after losing a socket, and reads `cursor`
 * (where to resume next time) and `missed` from each result.
 */
export interface StreamPosition {
  /** Replay the events after `after` first; without it (or a back end that keeps events), `missed`. */
  resume?: { after?: string };
  /** The cursor of the last event given to the reader (NATS). */
  cursor?: string;
  /** Events between the resume point and the first live one may be missing. */
  missed?: boolean;
}

export interface EventStreamOptions<T, I = T> {
  /** Which events (items, with `spread`) this subscriber gets; a throw ends the stream with that error. */
  filter?: (item: I) => boolean | Promise<boolean>;
  /** The items of an event that carries several (a batch's alerts), each given on its own. */
  spread?: (payload: T) => I[];
  /**
   * Only events under these keys (a user's id, a site's), found by lookup: what one event costs
   * does not grow with the subscribers that do not want it. `filter` runs on what gets through.
   */
  route?: Route<T>;
  /** Where this subscription stands (see StreamPosition). */
  position?: StreamPosition;
  /** Events held for a subscriber that reads slower than they come; past it the stream ends. */
  buffer?: number;
}

const isAfter = (cursor: string, than: string) => BigInt(cursor) > BigInt(than);

/**
 * A topic as an async iterator, for a GraphQL subscription: listening has begun when the promise
 * resolves, events are filtered in order, `return()` stops listening at once (even while a read
 * waits), and a subscriber that falls `buffer` events behind is ended with an error (after what
 * it was given). A resumed subscription gets the events it missed first (where the back end keeps
 * them), then the live ones, none twice.
 */
export async function eventStream<T, I = T>(
  bus: EventBus,
  topic: Topic<T>,
  {
    filter = () => true,
    spread = (payload) => [payload as unknown as I],
    route,
    position,
    buffer = 1000,
  }: EventStreamOptions<T, I> = {},
): Promise<AsyncIterableIterator<I>> {
  // Events, not their items, count against the buffer: one event may carry thousands.
  const stream = pushIterator<{ items: I[]; cursor?: string }>({
    buffer,
    name: `subscriber to ${topic.name}`,
    onEnd: () => listening.stop?.(),
  });
  const take = async (payload: T, cursor?: string) => {
    const kept: I[] = [];
    for (const item of spread(payload)) if (!stream.ended && (await filter(item))) kept.push(item);
    if (kept.length) stream.push({ items: kept, cursor });
  };
  // Filters run one after another, so events keep their order even when a filter awaits; a
  // resumed subscription's live events wait behind its replay.
  let replayed: (() => void) | undefined;
  let filtering = position?.resume ? new Promise<void>((resolve) => (replayed = resolve)) : Promise.resolve();
  let lastReplayed: string | undefined;
  // Ended before listening began: stopped as soon as it has.
  const listening: { stop?: () => Promise<void> } = {};
  listening.stop = await receive(
    bus,
    topic,
    (payload, { cursor }) => {
      filtering = filtering
        .then(() => (cursor && lastReplayed && !isAfter(cursor, lastReplayed) ? undefined : take(payload, cursor)))
        .catch(stream.fail);
    },
    route,
  );
  if (stream.ended) await listening.stop();
  if (position?.resume) {
    try {
      const after = position.resume.after;
      // No more than the subscriber may hold before it reads: past it, missed.
      const missed = after ? await bus.since(topic, after, buffer) : undefined;
      if (!missed?.complete) position.missed = true;
      const wanted = (payload: T) => !route || [...route.keysOf(payload)].some((key) => route.keys.includes(key));
      for (const { payload, cursor } of missed?.events ?? []) {
        if (wanted(payload)) await take(payload, cursor);
        lastReplayed = cursor;
      }
    } catch (error) {
      stream.fail(error);
    } finally {
      replayed!();
    }
  }
  return itemsOf(stream.iterator, position);
}

/**
 * The items of an iterator of lists, one by one, noting each one's cursor in `position`;
 * `return()` ends the lists' iterator at once.
 */
function itemsOf<I>(
  lists: AsyncIterableIterator<{ items: I[]; cursor?: string }>,
  position?: StreamPosition,
): AsyncIterableIterator<I> {
  let pending: I[] = [];
  let cursor: string | undefined;
  let at = 0;
  const items: AsyncIterableIterator<I> = {
    async next() {
      while (at >= pending.length) {
        const result = await lists.next();
        if (result.done) return { value: undefined, done: true };
        ({ items: pending, cursor } = result.value);
        at = 0;
      }
      if (position && cursor) position.cursor = cursor;
      return { value: pending[at++]!, done: false };
    },
    async return() {
      pending = [];
      await lists.return?.();
      return { value: undefined, done: true };
    },
    async throw(error?: unknown) {
      pending = [];
      await lists.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return items;
    },
  };
  return items;
}
