/**
 * Gathers items for at most `waitMs`, or until `maxItems` are waiting (or their `size`s add up to
 * `maxSize`), and hands them to `flush` together; each item's promise settles when its batch has
 * (so a message is acknowledged only once its batch committed). At most `concurrency` batches are
 * in flight; items keep gathering meanwhile.
 */
export class MicroBatcher<T> {
  private waiting: Array<{ item: T; size: number; done: (error?: unknown) => void }> = [];
  private waitingSize = 0;
  private timer?: NodeJS.Timeout;
  private running = new Set<Promise<void>>();
  private roomWaiters: Array<{ below: number; resolve: () => void }> = [];

  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    private readonly options: {
      maxItems: number;
      waitMs: number;
      concurrency: number;
      size?: (item: T) => number;
      maxSize?: number;
    },
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const size = this.options.size?.(item) ?? 1;
      this.waiting.push({ item, size, done: (error) => (error === undefined ? resolve() : reject(error)) });
      this.waitingSize += size;
      if (this.full()) this.next();
      else this.timer ??= setTimeout(() => this.next(), this.options.waitMs);
    });
  }

  /** Stores what is waiting now and resolves once nothing is waiting or being stored. */
  async drain(): Promise<void> {
    while (this.waiting.length || this.running.size) {
      this.next();
      await Promise.allSettled([...this.running]);
    }
  }

  private full(): boolean {
    return this.waiting.length >= this.options.maxItems || this.waitingSize >= (this.options.maxSize ?? Infinity);
  }

  /** Items waiting for a batch. */
  get pending(): number {
    return this.waiting.length;
  }

  /** Resolves once the sizes of the items waiting add up to less than `size` (at once if they do). */
  room(size: number): Promise<void> {
    if (this.waitingSize < size) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push({ below: size, resolve }));
  }

  private next(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.waiting.length || this.running.size >= this.options.concurrency) return;
    // Up to maxItems, and up to maxSize (but at least one item, however large).
    let count = 0;
    let size = 0;
    const maxSize = this.options.maxSize ?? Infinity;
    while (count < this.waiting.length && count < this.options.maxItems) {
      const next = this.waiting[count]!.size;
      if (count > 0 && size + next > maxSize) break;
      size += next;
      count++;
    }
    const batch = this.waiting.splice(0, count);
    this.waitingSize -= size;
    this.roomWaiters = this.roomWaiters.filter((waiter) => this.waitingSize >= waiter.below || void waiter.resolve());
    const running: Promise<void> = this.flush(batch.map((b) => b.item))
      .then(
        () => batch.forEach((b) => b.done()),
        (error: unknown) => batch.forEach((b) => b.done(error ?? new Error('batch failed'))),
      )
      .finally(() => {
        this.running.delete(running);
        // What gathered while this batch was stored goes next, at once if it is a full batch.
        if (this.full()) this.next();
        else if (this.waiting.length) this.timer ??= setTimeout(() => this.next(), this.options.waitMs);
      });
    this.running.add(running);
  }
}
