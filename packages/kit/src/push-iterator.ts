export interface PushIterator<T> {
  /** What the consumer reads: `for await`, or a GraphQL subscription's source. */
  iterator: AsyncIterableIterator<T>;
  /** Hands a value to the reader, or queues it; past `buffer` queued values the stream fails. */
  push(value: T): void;
  /** Ends the stream with an error, after what was already queued. */
  fail(error: unknown): void;
  /** Ends the stream after what was already queued. */
  end(): void;
  /** Whether the stream has ended (by the producer or the consumer). */
  readonly ended: boolean;
}

/**
 * An async iterator that a producer pushes into (event handlers, socket callbacks). A plain object,
 * not an async generator: `return()` must end it at once, even while a read waits for the next
 * value, and a consumer that falls `buffer` values behind is ended with an error rather than left
 * to grow the process's memory. `onEnd` runs once, however the stream ends.
 */
export function pushIterator<T>(options: {
  buffer: number;
  onEnd?: () => void | Promise<void>;
  name?: string;
}): PushIterator<T> {
  const queue: T[] = [];
  let reader: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
  let failure: { error: unknown } | undefined;
  let ended = false;

  const stop = async () => {
    if (ended) return;
    ended = true;
    // Cleanup that fails (its own to log) must not reach the consumer, nor end the process.
    await Promise.resolve()
      .then(options.onEnd)
      .catch(() => undefined);
  };
  const fail = (error: unknown) => {
    if (ended) return;
    if (reader) reader.reject(error);
    else failure = { error };
    reader = undefined;
    void stop();
  };
  const end = () => {
    if (ended) return;
    reader?.resolve({ value: undefined, done: true });
    reader = undefined;
    void stop();
  };
  const push = (value: T) => {
    if (ended) return;
    if (reader) {
      reader.resolve({ value, done: false });
      reader = undefined;
    } else if (queue.length < options.buffer) {
      queue.push(value);
    } else {
      fail(new Error(`${options.name ?? 'the stream'}: the reader fell ${options.buffer} values behind`));
    }
  };

  const iterator: AsyncIterableIterator<T> = {
    next() {
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
      await stop();
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
  return {
    iterator,
    push,
    fail,
    end,
    get ended() {
      return ended;
    },
  };
}
