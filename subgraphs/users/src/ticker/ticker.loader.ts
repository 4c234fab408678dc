import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';

type Row = Record<string, unknown>;

/** Runs one grouped statement for a batch of symbols and returns a value per symbol. */
function bySymbol<V>(
  em: EntityManager,
  sql: (placeholders: string) => string,
  pick: (row: Row) => V,
  params: unknown[] = [],
) {
  return new DataLoader<string, V | null>(async (symbols) => {
    const rows = await em
      .getConnection()
      .execute<Row[]>(sql(symbols.map(() => '?').join(', ')), [...params, ...symbols]);
    const found = new Map(rows.map((r) => [r.symbol as string, pick(r)]));
    return symbols.map((s) => found.get(s) ?? null);
  });
}

export function createTickerLoaders(em: EntityManager) {
  const means = new Map<number, DataLoader<string, number | null>>();
  return {
    followers: bySymbol(
      em,
      (list) =>
        `/* tickerFollowers */ select symbol, count(*)::int as n from watches where symbol in (${list}) group by symbol`,
      (r) => r.n as number,
    ),
    latestPrice: bySymbol(
      em,
      (list) =>
        `/* tickerLatestPrice */ select distinct on (symbol) symbol, price, at from prices where symbol in (${list}) order by symbol, at desc`,
      (r) => ({ price: Number(r.price), at: new Date(r.at as string) }),
    ),
    /** One loader per window, so a request asking several windows still batches per window. */
    mean(windowMs: number) {
      let loader = means.get(windowMs);
      if (!loader) {
        loader = bySymbol(
          em,
          (list) =>
            `/* tickerMean */ select symbol, avg(price) as mean from prices where at >= now() - (? * interval '1 millisecond') and symbol in (${list}) group by symbol`,
          (r) => Number(r.mean),
          [windowMs],
        );
        means.set(windowMs, loader);
      }
      return loader;
    },
  };
}
