import { pruneIdempotencyKeys } from '@switchyard/gateway/retention';
import type { CleanupJob } from './job.js';

export const idempotencyJob: CleanupJob = {
  name: 'IDEMPOTENCY',
  reason: 'idempotency key past its expiry',
  schedule: '41 * * * *',
  batch: (em, env) => pruneIdempotencyKeys(em, env.CLEANUP_BATCH),
};
