import { pruneReadings } from '@switchyard/sensors/retention';
import type { CleanupJob } from './job.js';

export const readingsJob: CleanupJob = {
  name: 'READINGS',
  reason: 'raw reading past retention (rollups kept)',
  schedule: '17 2 * * *',
  batch: (em, env) =>
    pruneReadings(em, new Date(Date.now() - env.READING_RETENTION_DAYS * 86_400_000), env.CLEANUP_BATCH),
};
