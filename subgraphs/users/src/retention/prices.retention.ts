import { daysAgo, defineRetention, sqlRows, z } from '@switchyard/kit';

export const pricesRetention = defineRetention({
  name: 'PRICES',
  reason: 'price past retention',
  schedule: '7 * * * *',
  settings: {
    /** How long prices are kept. */
    PRICE_RETENTION_DAYS: z.coerce.number().min(0).default(14),
  },
  batch: async (em, { PRICE_RETENTION_DAYS }, limit) => {
    const rows = await sqlRows(
      em,
      `/* deleteOldPrices */ delete from users.prices p using (
         select symbol, at from users.prices where at < ? limit ?
       ) old where p.symbol = old.symbol and p.at = old.at returning 1`,
      [daysAgo(PRICE_RETENTION_DAYS), limit],
    );
    return rows.length;
  },
});
