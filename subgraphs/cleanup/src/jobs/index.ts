import { batchesJob } from './batches.job.js';
import { idempotencyJob } from './idempotency.job.js';
import type { CleanupJob } from './job.js';
import { orphansJob } from './orphans.job.js';
import { outboxJob } from './outbox.job.js';
import { readingsJob } from './readings.job.js';
import { pricesJob } from './prices.job.js';
import { tickersJob } from './tickers.job.js';

export const CLEANUP_JOBS: Record<CleanupJob['name'], CleanupJob> = {
  PRICES: pricesJob,
  TICKERS: tickersJob,
  OUTBOX: outboxJob,
  IDEMPOTENCY: idempotencyJob,
  ORPHANS: orphansJob,
  READINGS: readingsJob,
  BATCHES: batchesJob,
};
