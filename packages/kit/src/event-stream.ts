import type { EventBus, Topic } from './events.js';

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
 * it was given) rather than left to grow the process's memory.
 */
export async function eventStream<T>(
  bus: EventBus,
  topic: Topic<T>,
  { filter = () => true, buffer = 1000 }: EventStreamOptions<T> = {},
): Promise<AsyncIterableIterator<T>> {
  const queue: T[] = [];
  let reader: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
  let failure: { error: unknown } | undefined;
  let ended = false;
  // Filters run one after another, so events keep their order even when a filter awaits.
  let filtering = Promise.resolve();

  const end = () => {
    if (ended) return Promise.resolve();
    ended = true;
    return unsubscribe();
  };
  const fail = (error: unknown) => {
    if (ended) return;
    if (reader) reader.reject(error);
    else failure = { error };
    reader = undefined;
    void end();
  };
  const deliver = (payload: T) => {
    if (ended) return;
    if (reader) {
      reader.resolve({ value: payload, done: false });
      reader = undefined;
    } else if (queue.length < buffer) {
      queue.push(payload);
    } else {
      fail(new Error(`subscriber fell ${buffer} events behind on ${topic.name}`));
    }
  };
  const unsubscribe = await bus.subscribe(topic, (payload) => {
    filtering = filtering
      .then(() => !ended && filter(payload))
      .then((keep) => {
        if (keep) deliver(payload);
      }, fail);
  });

  const iterator: AsyncIterableIterator<T> = {
    next() {
      // What was queued is still read after a failure; then the error, then the end.
      if (queue.length) return Promise.resolve({ value: queue.shift()!, done: false });
      if (failure) {
        const { error } = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      if (ended) return Promise.resolve({ value: undefined, done: true });
      return new Promise<IteratorResult<T>>((resolve, reject) => {
        reader = { resolve, reject };
      });
    },
    async return() {
      queue.length = 0;
      failure = undefined;
      reader?.resolve({ value: undefined, done: true });
      reader = undefined;
      await end();
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      await iterator.return!();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
