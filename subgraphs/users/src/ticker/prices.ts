import type { EntityManager } from '@mikro-orm/postgresql';

export interface PricePoint {
  symbol: string;
  at: Date;
  price: number;
}

/**
 * Stores prices for tickers that exist (the market collector's write path into this domain).
 * One multi-row statement; a repeated (symbol, at) is ignored. Returns how many were stored.
 */
export async function insertPrices(em: EntityManager, points: PricePoint[]): Promise<number> {
  if (points.length === 0) return 0;
  const rows = points.map(() => '(?, ?::timestamptz, ?::double precision)').join(', ');
  const params = points.flatMap((p) => [p.symbol, p.at.toISOString(), p.price]);
  const result = await em.getConnection().execute(
    `/* insertPrices */ insert into users.prices (symbol, at, price)
     select v.symbol, v.at, v.price from (values ${rows}) as v(symbol, at, price)
     join users.tickers t on t.symbol = v.symbol
     on conflict (symbol, at) do nothing`,
    params,
    'run',
  );
  return (result as { affectedRows?: number }).affectedRows ?? 0;
}
