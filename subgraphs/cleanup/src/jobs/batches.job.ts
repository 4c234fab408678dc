import { pruneReadingBatches } from '@switchyard/ingestion/retention';
import type { CleanupJob } from './job.js';

export const batchesJob: CleanupJob = {
  name: 'BATCHES',
  reason: 'record of a reading batch past retention',
  schedule: '23 2 * * *',
  batch: (em, env) =>
    pruneReadingBatches(em, new Date(Date.now() - env.BATCH_RETENTION_DAYS * 86_400_000), env.CLEANUP_BATCH),
};
