import { evaluate, type Side } from '../alerts/evaluate.js';

const watch = { userId: 'u1', symbol: 'ACME', high: 110, low: 90 };

/** Runs a price series through evaluate, carrying the sides from round to round. */
function run(series: number[]) {
  let sides = new Map<string, Side>();
  const kinds: string[] = [];
  for (const price of series) {
    const result = evaluate([watch], new Map([['ACME', price]]), sides, new Date());
    kinds.push(...result.alerts.map((a) => `${a.kind}@${a.price}/${a.threshold}`));
    sides = result.sides;
  }
  return kinds;
}

describe('evaluate', () => {
  it('alerts once per crossing, stays quiet beyond the threshold, re-arms inside', () => {
    expect(run([100, 111, 115, 120, 105, 112, 100, 89, 80, 91, 85])).toEqual([
      'HIGH@111/110',
      'HIGH@112/110',
      'LOW@89/90',
      'LOW@85/90',
    ]);
  });

  it('alerts when the price jumps from one side straight to the other', () => {
    expect(run([120, 80, 80, 120])).toEqual(['HIGH@120/110', 'LOW@80/90', 'HIGH@120/110']);
  });

  it('treats the thresholds themselves as inside', () => {
    expect(run([110, 90, 110])).toEqual([]);
  });
});
