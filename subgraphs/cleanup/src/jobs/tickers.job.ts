import { deleteUnfollowedTickers } from '@switchyard/users/market';
import type { CleanupJob } from './job.js';

export const tickersJob: CleanupJob = {
  name: 'TICKERS',
  reason: 'ticker nobody follows',
  schedule: '17 * * * *',
  batch: (em, env) => deleteUnfollowedTickers(em, env.CLEANUP_BATCH),
};
