import type { NewAlert, WatchThresholds } from '@switchyard/users/market';

export type Side = 'HIGH' | 'LOW' | 'INSIDE';

/** Where a price stands against a watch's thresholds. */
export function sideOf(price: number, watch: Pick<WatchThresholds, 'high' | 'low'>): Side {
  if (price > watch.high) return 'HIGH';
  if (price < watch.low) return 'LOW';
  return 'INSIDE';
}

/**
 * One alert per crossing: a watch alerts when the price moves beyond a threshold from anywhere
 * else, stays quiet while it stays there, and re-arms once the price is back inside.
 */
export function evaluate(
  watches: WatchThresholds[],
  prices: Map<string, number>,
  previous: Map<string, Side>,
  at: Date,
): { alerts: NewAlert[]; sides: Map<string, Side> } {
  const alerts: NewAlert[] = [];
  const sides = new Map<string, Side>();
  for (const watch of watches) {
    const price = prices.get(watch.symbol);
    if (price === undefined) continue;
    const key = `${watch.userId}:${watch.symbol}`;
    const side = sideOf(price, watch);
    sides.set(key, side);
    if (side !== 'INSIDE' && side !== (previous.get(key) ?? 'INSIDE')) {
      alerts.push({
        userId: watch.userId,
        symbol: watch.symbol,
        kind: side,
        price,
        threshold: side === 'HIGH' ? watch.high : watch.low,
        triggeredAt: at,
      });
    }
  }
  return { alerts, sides };
}
