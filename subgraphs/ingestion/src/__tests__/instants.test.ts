// A sensor's instants in a batch, held to a plain Map by instant on readings in and out of order.
import { Instants } from '../readings/instants.js';

/** The check's use of Instants: a reading is added unless an earlier one has its instant. */
function run(readings: Array<[at: number, message: number]>, instants = new Instants()) {
  return readings.map(([at, message]) => {
    const earlier = instants.messageAt(at);
    if (earlier === undefined) instants.add(at, message);
    return earlier;
  });
}

function oracle(readings: Array<[at: number, message: number]>) {
  const seen = new Map<number, number>();
  return readings.map(([at, message]) => {
    const earlier = seen.get(at);
    if (earlier === undefined) seen.set(at, message);
    return earlier;
  });
}

it('tells the message of an earlier reading at the same instant, in time order or not', () => {
  expect(
    run([
      [1, 0],
      [2, 0],
      [2, 1],
      [3, 1],
    ]),
  ).toEqual([undefined, undefined, 0, undefined]);
  // Out of order: an instant before the latest, new or repeated, then in order again.
  expect(
    run([
      [5, 0],
      [3, 1],
      [5, 2],
      [3, 2],
      [4, 2],
      [6, 3],
      [4, 3],
      [6, 4],
    ]),
  ).toEqual([undefined, undefined, 0, 1, undefined, undefined, 2, 3]);
  expect(
    run([
      [-1, 0],
      [-2, 0],
      [-1, 1],
    ]),
  ).toEqual([undefined, undefined, 0]);
});

it('agrees with a Map by instant on random batches', () => {
  let seed = 7;
  const random = (n: number) => (seed = (seed * 48_271) % 2_147_483_647) % n;
  let outOfOrder = 0;
  for (let batch = 0; batch < 500; batch++) {
    const length = random(40);
    const ordered = random(2) === 0;
    let clock = 0;
    const readings = Array.from({ length }, (_, i): [number, number] => {
      clock += ordered ? random(3) : random(7) - 3;
      return [clock * 1000, Math.floor(i / 5)];
    });
    let latest = -Infinity;
    for (const [at] of readings) {
      if (at < latest) outOfOrder++;
      latest = Math.max(latest, at);
    }
    expect(run(readings)).toEqual(oracle(readings));
  }
  // Both paths taken, many times over.
  expect(outOfOrder).toBeGreaterThan(1000);
});
