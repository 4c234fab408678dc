import { pruneOutbox } from '@switchyard/ingestion/retention';
import type { CleanupJob } from './job.js';

export const outboxJob: CleanupJob = {
  name: 'OUTBOX',
  reason: 'mail sent or given up past retention',
  schedule: '27 3 * * *',
  batch: (em, env) => pruneOutbox(em, new Date(Date.now() - env.OUTBOX_RETENTION_DAYS * 86_400_000), env.CLEANUP_BATCH),
};
