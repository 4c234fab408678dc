import { daysAgo, defineRetention, statement, z } from '@switchyard/kit';

const deleteOldPrices = statement<{ before: Date; limit: number }>(
  `/* deleteOldPrices */ delete from users.prices p using (
     select symbol, at from users.prices where at < :before limit :limit
   ) old where p.symbol = old.symbol and p.at = old.at returning 1`,
);

export const pricesRetention = defineRetention({
  name: 'PRICES',
  reason: 'price past retention',
  schedule: '7 * * * *',
  settings: {
    /** How long prices are kept. */
    PRICE_RETENTION_DAYS: z.coerce.number().min(0).default(14),
  },
  batch: async (em, { PRICE_RETENTION_DAYS }, limit) =>
    (await deleteOldPrices(em, { before: daysAgo(PRICE_RETENTION_DAYS), limit })).length,
});
