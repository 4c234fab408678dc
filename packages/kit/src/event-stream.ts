import type { EventBus, Topic } from './events.js';
import { pushIterator } from './push-iterator.js';

export interface EventStreamOptions<T> {
  /** Which events this subscriber gets; a throw ends the stream with that error. */
  filter?: (payload: T) => boolean | Promise<boolean>;
  /** Events held for a subscriber that reads slower than they come; past it the stream ends. */
  buffer?: number;
}

/**
 * A topic as an async iterator, for a GraphQL subscription: listening has begun when the promise
 * resolves, events are filtered in order, `return()` stops listening at once (even while a read
 * waits), and a subscriber that falls `buffer` events behind is ended with an error (after what
 * it was given).
 */
export async function eventStream<T>(
  bus: EventBus,
  topic: Topic<T>,
  { filter = () => true, buffer = 1000 }: EventStreamOptions<T> = {},
): Promise<AsyncIterableIterator<T>> {
  const stream = pushIterator<T>({
    buffer,
    name: `subscriber to ${topic.name}`,
    onEnd: () => unsubscribe(),
  });
  // Filters run one after another, so events keep their order even when a filter awaits.
  let filtering = Promise.resolve();
  const unsubscribe = await bus.subscribe(topic, (payload) => {
    filtering = filtering
      .then(() => !stream.ended && filter(payload))
      .then((keep) => {
        if (keep) stream.push(payload);
      }, stream.fail);
  });
  return stream.iterator;
}
