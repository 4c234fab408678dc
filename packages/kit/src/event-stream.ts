import type { EventBus, Topic } from './events.js';
import { pushIterator } from './push-iterator.js';

export interface EventStreamOptions<T, I = T> {
  /** Which events (items, with `spread`) this subscriber gets; a throw ends the stream with that error. */
  filter?: (item: I) => boolean | Promise<boolean>;
  /** The items of an event that carries several (a batch's alerts), each given on its own. */
  spread?: (payload: T) => I[];
  /** Events held for a subscriber that reads slower than they come; past it the stream ends. */
  buffer?: number;
}

/**
 * A topic as an async iterator, for a GraphQL subscription: listening has begun when the promise
 * resolves, events are filtered in order, `return()` stops listening at once (even while a read
 * waits), and a subscriber that falls `buffer` events behind is ended with an error (after what
 * it was given).
 */
export async function eventStream<T, I = T>(
  bus: EventBus,
  topic: Topic<T>,
  {
    filter = () => true,
    spread = (payload) => [payload as unknown as I],
    buffer = 1000,
  }: EventStreamOptions<T, I> = {},
): Promise<AsyncIterableIterator<I>> {
  // Events, not their items, count against the buffer: one event may carry thousands.
  const stream = pushIterator<I[]>({
    buffer,
    name: `subscriber to ${topic.name}`,
    onEnd: () => unsubscribe(),
  });
  // Filters run one after another, so events keep their order even when a filter awaits.
  let filtering = Promise.resolve();
  const unsubscribe = await bus.subscribe(topic, (payload) => {
    filtering = filtering
      .then(async () => {
        const kept: I[] = [];
        for (const item of spread(payload)) if (!stream.ended && (await filter(item))) kept.push(item);
        if (kept.length) stream.push(kept);
      })
      .catch(stream.fail);
  });
  return itemsOf(stream.iterator);
}

/** The items of an iterator of lists, one by one; `return()` ends the lists' iterator at once. */
function itemsOf<I>(lists: AsyncIterableIterator<I[]>): AsyncIterableIterator<I> {
  let pending: I[] = [];
  let at = 0;
  const items: AsyncIterableIterator<I> = {
    async next() {
      while (at >= pending.length) {
        const result = await lists.next();
        if (result.done) return { value: undefined, done: true };
        pending = result.value;
        at = 0;
      }
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
