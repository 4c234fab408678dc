/**
 * Gathers items for at most `waitMs`, or until `maxItems` are waiting, and hands them to `flush`
 * together; each item's promise settles when its batch has (so a message is acknowledged only once
 * its batch committed). At most `concurrency` batches are in flight; items keep gathering meanwhile.
 */
export class MicroBatcher<T> {
  private waiting: Array<{ item: T; done: (error?: unknown) => void }> = [];
  private timer?: NodeJS.Timeout;
  private running = 0;

  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    private readonly options: { maxItems: number; waitMs: number; concurrency: number },
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (this.waiting.length >= this.options.maxItems) this.next();
      else this.timer ??= setTimeout(() => this.next(), this.options.waitMs);
    });
  }

  /** Items waiting or being stored. */
  get pending(): number {
    return this.waiting.length;
  }

  private next(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.waiting.length || this.running >= this.options.concurrency) return;
    const batch = this.waiting.splice(0, this.options.maxItems);
    this.running++;
    this.flush(batch.map((b) => b.item))
      .then(
        () => batch.forEach((b) => b.done()),
        (error: unknown) => batch.forEach((b) => b.done(error ?? new Error('batch failed'))),
      )
      .finally(() => {
        this.running--;
        // What gathered while this batch was stored goes next, at once if it is a full batch.
        if (this.waiting.length >= this.options.maxItems) this.next();
        else if (this.waiting.length) this.timer ??= setTimeout(() => this.next(), this.options.waitMs);
      });
  }
}
