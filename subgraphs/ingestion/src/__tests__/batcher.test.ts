// The MQTT stream's micro-batches: what arrives together is stored together, never more than a
// batch's worth at once nor more batches at once than allowed, and each item settles with its batch.
import { MicroBatcher } from '../mqtt/batcher.js';

/** A flush whose batches the test releases (or fails) one by one. */
function heldFlush<T>() {
  const batches: Array<{ items: T[]; release: () => void; fail: (error: Error) => void }> = [];
  let running = 0;
  let most = 0;
  const flush = (items: T[]) =>
    new Promise<void>((resolve, reject) => {
      running++;
      most = Math.max(most, running);
      const settle = () => running--;
      batches.push({
        items,
        release: () => (settle(), resolve()),
        fail: (error) => (settle(), reject(error)),
      });
    });
  return { flush, batches, most: () => most };
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
};

it('stores what arrives within the wait as one batch, and settles each item only once it is stored', async () => {
  const held = heldFlush<number>();
  const batcher = new MicroBatcher(held.flush, { maxItems: 100, waitMs: 5, concurrency: 1 });
  const settled: number[] = [];
  const items = [1, 2, 3].map((n) => batcher.add(n).then(() => settled.push(n)));
  await until(() => held.batches.length === 1);
  expect(held.batches[0]!.items).toEqual([1, 2, 3]);
  await new Promise((resolve) => setImmediate(resolve));
  expect(settled).toEqual([]);
  held.batches[0]!.release();
  await Promise.all(items);
  expect(settled).toEqual([1, 2, 3]);
});

it('never holds more than maxItems in a batch, nor runs more batches at once than allowed, and leaves nothing behind', async () => {
  const held = heldFlush<number>();
  const batcher = new MicroBatcher(held.flush, { maxItems: 4, waitMs: 20, concurrency: 2 });
  const items = Array.from({ length: 10 }, (_, n) => batcher.add(n));
  // Two full batches go at once, without waiting; the third waits for a free slot.
  await until(() => held.batches.length === 2);
  expect(held.batches.map((b) => b.items)).toEqual([
    [0, 1, 2, 3],
    [4, 5, 6, 7],
  ]);
  held.batches[0]!.release();
  // The two left over go once a slot is free, after the wait (no full batch to send at once).
  await until(() => held.batches.length === 3);
  expect(held.batches[2]!.items).toEqual([8, 9]);
  held.batches[1]!.release();
  held.batches[2]!.release();
  await Promise.all(items);
  expect(held.most()).toBe(2);
  expect(batcher.pending).toBe(0);
});

it('fails every item of a batch that fails, and goes on with the next', async () => {
  const held = heldFlush<string>();
  const batcher = new MicroBatcher(held.flush, { maxItems: 2, waitMs: 1, concurrency: 1 });
  const first = [batcher.add('a'), batcher.add('b')];
  const later = batcher.add('c');
  await until(() => held.batches.length === 1);
  held.batches[0]!.fail(new Error('database gone'));
  await expect(first[0]).rejects.toThrow('database gone');
  await expect(first[1]).rejects.toThrow('database gone');
  await until(() => held.batches.length === 2);
  expect(held.batches[1]!.items).toEqual(['c']);
  held.batches[1]!.release();
  await expect(later).resolves.toBeUndefined();
});

it('says when the items waiting have room again, so a reader can stop taking more meanwhile', async () => {
  const held = heldFlush<number>();
  const batcher = new MicroBatcher(held.flush, { maxItems: 2, waitMs: 1, concurrency: 1, size: (n) => n });
  await expect(batcher.room(10)).resolves.toBeUndefined();
  const items = [6, 6, 6].map((n) => batcher.add(n));
  // The first two go as a batch at once; 6 waits, under 10.
  await until(() => held.batches.length === 1);
  await expect(batcher.room(10)).resolves.toBeUndefined();
  items.push(batcher.add(6));
  let roomy = false;
  const room = batcher.room(10).then(() => (roomy = true));
  await new Promise((resolve) => setImmediate(resolve));
  expect(roomy).toBe(false);
  held.batches[0]!.release();
  await room;
  await until(() => held.batches.length === 2);
  held.batches[1]!.release();
  await Promise.all(items);
});
