import { defineRetention, statement } from '@switchyard/kit';

const deleteUnfollowedTickers = statement<{ limit: number }>(
  `/* deleteUnfollowedTickers */ delete from users.tickers t where t.symbol in (
     select symbol from users.tickers c
     where not exists (select 1 from users.watches w where w.symbol = c.symbol)
     limit :limit for update skip locked
   ) and not exists (select 1 from users.watches w where w.symbol = t.symbol) returning 1`,
);

/** Tickers nobody follows (their prices go with them); one someone is watching right now is locked by watch's upsert and skipped. */
export const tickersRetention = defineRetention({
  name: 'TICKERS',
  reason: 'ticker nobody follows',
  schedule: '17 * * * *',
  batch: async (em, _settings, limit) => (await deleteUnfollowedTickers(em, { limit })).length,
});
