// The bookkeeping every event back end shares: subscribers that come while the first one's
// listen is under way wait for it, and share its outcome.
import { setImmediate } from 'node:timers/promises';
import { BaseBus } from '../events-base.js';
import { topic, z } from '../index.js';

/** A back end whose listen finishes (or fails) when the test says. */
class GatedBus extends BaseBus {
  listens = 0;
  private open: (error?: Error) => void = () => undefined;
  async start(): Promise<void> {}
  async close(): Promise<void> {}
  protected async send(name: string, body: string): Promise<void> {
    await this.deliver(name, body);
  }
  protected listen(): Promise<void> {
    this.listens++;
    return new Promise((resolve, reject) => (this.open = (error) => (error ? reject(error) : resolve())));
  }
  protected async unlisten(): Promise<void> {}
  /** Ends the listen under way. */
  finishListening(error?: Error): void {
    this.open(error);
  }
}

const ticks = topic('ticks', z.object({ n: z.number() }));

describe('subscribers of one topic', () => {
  it('that come while it starts listening are told so only once it listens, with one listen', async () => {
    const bus = new GatedBus();
    const got: string[] = [];
    const first = bus.subscribe(ticks, ({ n }) => void got.push(`first ${n}`));
    let secondSubscribed = false;
    const second = bus.subscribe(ticks, ({ n }) => void got.push(`second ${n}`)).then(() => (secondSubscribed = true));
    await setImmediate();
    expect(secondSubscribed).toBe(false);
    bus.finishListening();
    await Promise.all([first, second]);
    expect(bus.listens).toBe(1);
    await bus.publish(ticks, { n: 1 });
    expect(got.sort()).toEqual(['first 1', 'second 1']);
  });

  it('share a failed listen, and the next one listens again', async () => {
    const bus = new GatedBus();
    const first = bus.subscribe(ticks, () => undefined);
    const second = bus.subscribe(ticks, () => undefined);
    await setImmediate();
    bus.finishListening(new Error('no broker'));
    await expect(first).rejects.toThrow('no broker');
    await expect(second).rejects.toThrow('no broker');

    const third = bus.subscribe(ticks, () => undefined);
    await setImmediate();
    expect(bus.listens).toBe(2);
    bus.finishListening();
    await expect(third).resolves.toEqual(expect.any(Function));
  });
});
