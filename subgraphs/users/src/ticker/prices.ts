import type { EntityManager } from '@mikro-orm/postgresql';
import { columns, statement } from '@switchyard/kit';

export interface PricePoint {
  symbol: string;
  at: Date;
  price: number;
}

const storePrices = statement<{ symbol: string[]; at: Date[]; price: number[] }>(
  `/* insertPrices */ insert into users.prices (symbol, at, price)
   select v.symbol, v.at, v.price from unnest(:symbol::text[], :at::timestamptz[], :price::float8[]) as v(symbol, at, price)
   join users.tickers t on t.symbol = v.symbol
   on conflict (symbol, at) do nothing returning 1`,
);

/**
 * Stores prices for tickers that exist (the market collector's write path into this domain).
 * One statement; a repeated (symbol, at) is ignored. Returns how many were stored.
 */
export async function insertPrices(em: EntityManager, points: PricePoint[]): Promise<number> {
  if (points.length === 0) return 0;
  const rows = await storePrices(em, columns(points, ['symbol', 'at', 'price']));
  return rows.length;
}
