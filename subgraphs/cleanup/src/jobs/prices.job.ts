import { deleteOldPrices } from '@switchyard/users/market';
import type { CleanupJob } from './job.js';

export const pricesJob: CleanupJob = {
  name: 'PRICES',
  reason: 'price past retention',
  schedule: '7 * * * *',
  batch: (em, env) =>
    deleteOldPrices(em, new Date(Date.now() - env.PRICE_RETENTION_DAYS * 86_400_000), env.CLEANUP_BATCH),
};
