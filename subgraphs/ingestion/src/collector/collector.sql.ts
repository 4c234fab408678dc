// The collector's statements (rounds, feeds and watch sides).
import { statement } from '@switchyard/kit';
import type { Side } from '../alerts/evaluate.js';

/**
 * Claims a scheduled round: new, or begun long enough ago (`staleSec`) and never finished (its
 * collector died); no row when a run of it is going or done. Ids are bigint (text here).
 */
export const claimRound = statement<{ id: number; provider: string; staleSec: number }, { id: string }>(
  `/* claimRound */ insert into ingestion.rounds as r (id, provider) values (:id, :provider)
   on conflict (id) do update set provider = excluded.provider, started_at = now()
   where r.finished_at is null and r.started_at < now() - (:staleSec * interval '1 second')
   returning id`,
);

/** A manual round, with a negative id of its own. */
export const manualRound = statement<{ provider: string }, { id: string }>(
  `/* manualRound */ insert into ingestion.rounds (id, provider) values (-nextval('ingestion.manual_rounds'), :provider) returning id`,
);

export const finishRound = statement<
  { id: number; tickers: number; prices: number; alerts: number; error: string | null },
  never
>(
  `/* finishRound */ update ingestion.rounds set finished_at = now(), tickers = :tickers, prices = :prices, alerts = :alerts, error = :error where id = :id`,
);

/** One provider's outcome for its symbols: a null price is a failure. */
export const recordFeeds = statement<
  { provider: string; error: string | null; symbols: string[]; prices: Array<number | null> },
  never
>(
  `/* recordFeeds */ insert into ingestion.ticker_feeds as f (symbol, provider, last_success_at, last_price, consecutive_failures, last_error, updated_at)
   select s.symbol, :provider, case when s.price is null then null else now() end, s.price,
          case when s.price is null then 1 else 0 end, :error, now()
   from unnest(:symbols::text[], :prices::float8[]) as s(symbol, price)
   on conflict (symbol) do update set provider = excluded.provider, updated_at = now(),
     last_success_at = coalesce(excluded.last_success_at, f.last_success_at),
     last_price = coalesce(excluded.last_price, f.last_price),
     consecutive_failures = case when excluded.last_price is null then f.consecutive_failures + 1 else 0 end,
     last_error = excluded.last_error`,
);

/** One alert evaluation at a time, until the transaction ends. */
export const alertLock = statement<Record<never, never>, { pg_advisory_xact_lock: string }>(
  "/* alertLock */ select pg_advisory_xact_lock(hashtext('ingestion:alerts'))",
);

/** Timestamps come back as text through this connection's type parsers. */
export const watchSides = statement<{ symbols: string[] }, { user_id: string; symbol: string; side: Side; at: string }>(
  '/* watchSides */ select user_id, symbol, side, at from ingestion.watch_sides where symbol = any(:symbols::text[])',
);

export const pruneSides = statement<{ symbols: string[] }, never>(
  `/* pruneSides */ delete from ingestion.watch_sides s where s.symbol = any(:symbols::text[])
   and not exists (select 1 from users.watches w where w.user_id = s.user_id and w.symbol = s.symbol)`,
);

/** Never replaces a side judged on a later price. */
export const saveSides = statement<{ at: Date; userIds: string[]; symbols: string[]; sides: Side[] }, never>(
  `/* saveSides */ insert into ingestion.watch_sides (user_id, symbol, side, at)
   select u, s, d, :at from unnest(:userIds::uuid[], :symbols::text[], :sides::text[]) as t(u, s, d)
   on conflict (user_id, symbol) do update set side = excluded.side, at = excluded.at
   where ingestion.watch_sides.at <= excluded.at`,
);
