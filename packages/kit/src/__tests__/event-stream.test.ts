import { freshDatabase } from '@switchyard/testing';
import { createEventBus, type EventBus, eventStream, type StreamPosition, topic, z } from '../index.js';

const prices = topic('prices', z.object({ n: z.number() }));
const batches = topic('price-batches', z.object({ ns: z.array(z.number()) }));

describe('eventStream', () => {
  let bus: EventBus;
  beforeAll(async () => {
    bus = await createEventBus({ databaseUrl: await freshDatabase('event_stream') });
  });
  afterAll(() => bus.close());

  const publish = async (...ns: number[]) => {
    for (const n of ns) await bus.publish(prices, { n });
  };

  it('gives the events the filter keeps, in order, even when the filter awaits', async () => {
    const stream = await eventStream(bus, prices, {
      filter: async ({ n }) => {
        await new Promise((r) => setTimeout(r, n % 3 === 0 ? 30 : 0));
        return n % 2 === 0;
      },
    });
    await publish(1, 2, 3, 4, 5, 6, 8);
    const got: number[] = [];
    for await (const { n } of stream) {
      got.push(n);
      if (got.length === 4) break;
    }
    expect(got).toEqual([2, 4, 6, 8]);
  });

  it('stops listening at once when returned while a read waits', async () => {
    // The real bus, watched: how many handlers it holds.
    let handlers = 0;
    const watched: EventBus = {
      ...bus,
      publish: bus.publish.bind(bus),
      close: bus.close.bind(bus),
      subscribe: async (topic, handler) => {
        const unsubscribe = await bus.subscribe(topic, handler);
        handlers++;
        return async () => {
          handlers--;
          await unsubscribe();
        };
      },
    };
    const stream = await eventStream(watched, prices);
    expect(handlers).toBe(1);
    const read = stream.next();
    await stream.return!();
    await expect(read).resolves.toEqual({ value: undefined, done: true });
    expect(handlers).toBe(0);
    await publish(1);
    await expect(stream.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('ends a subscriber that falls too far behind, and one whose filter throws, with the error after what it had', async () => {
    const slow = await eventStream(bus, prices, { buffer: 2 });
    const refusing = await eventStream(bus, prices, {
      filter: ({ n }) => {
        if (n === 2) throw new Error('token expired');
        return true;
      },
    });
    // Subscribed last, so when it has seen all three the others have been handed them too.
    const observer = await eventStream(bus, prices);
    await publish(1, 2, 3);
    for (const n of [1, 2, 3]) await expect(observer.next()).resolves.toEqual({ value: { n }, done: false });
    await observer.return!();
    for (const n of [1, 2]) await expect(slow.next()).resolves.toEqual({ value: { n }, done: false });
    await expect(slow.next()).rejects.toThrow('subscriber to prices: the reader fell 2 values behind');
    await expect(slow.next()).resolves.toMatchObject({ done: true });
    await expect(refusing.next()).resolves.toEqual({ value: { n: 1 }, done: false });
    await expect(refusing.next()).rejects.toThrow('token expired');
    await expect(refusing.next()).resolves.toMatchObject({ done: true });
  });

  it('gives the items of an event that carries many one by one, counting events (not items) against its buffer', async () => {
    const stream = await eventStream(bus, batches, {
      spread: ({ ns }) => ns.map((n) => ({ n })),
      filter: ({ n }) => n % 2 === 0,
      buffer: 2,
    });
    await bus.publish(batches, { ns: Array.from({ length: 50 }, (_, n) => n) });
    await bus.publish(batches, { ns: [100, 101] });
    const got: number[] = [];
    for await (const { n } of stream) {
      got.push(n);
      if (n === 100) break;
    }
    expect(got).toEqual([...Array.from({ length: 25 }, (_, i) => i * 2), 100]);
  });

  it("routes events by key: a subscriber's filter never sees another key's, and one under two keys gets it once", async () => {
    const byUser = topic('user-notes', z.object({ users: z.array(z.string()), n: z.number() }));
    const usersOf = (note: { users: string[] }) => note.users;
    const asked: number[] = [];
    const amy = await eventStream(bus, byUser, {
      route: { keysOf: usersOf, keys: ['amy', 'amos'] },
      filter: ({ n }) => {
        asked.push(n);
        return true;
      },
    });
    const everyone = await eventStream(bus, byUser);
    await bus.publish(byUser, { users: ['bo'], n: 1 });
    await bus.publish(byUser, { users: ['amy', 'amos'], n: 2 });
    await bus.publish(byUser, { users: ['cy'], n: 3 });
    await bus.publish(byUser, { users: ['amos'], n: 4 });
    for (const n of [1, 2, 3, 4]) await expect(everyone.next()).resolves.toMatchObject({ value: { n } });
    for (const n of [2, 4]) await expect(amy.next()).resolves.toMatchObject({ value: { n } });
    expect(asked).toEqual([2, 4]);
    await Promise.all([amy.return!(), everyone.return!()]);
  });

  it('says a resumed subscription may have missed events where the back end keeps none, and notes cursors it is given', async () => {
    const position: StreamPosition = { resume: { after: '41' } };
    const stream = await eventStream(bus, prices, { position });
    expect(position.missed).toBe(true);
    await publish(7);
    await expect(stream.next()).resolves.toEqual({ value: { n: 7 }, done: false });
    // PostgreSQL NOTIFY has no cursors to note.
    expect(position.cursor).toBeUndefined();
    await stream.return!();
  });
});
