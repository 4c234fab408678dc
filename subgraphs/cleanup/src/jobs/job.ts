import type { EntityManager } from '@mikro-orm/postgresql';
import type { CleanupEnv } from '../env.js';

/** One retention job: what it deletes, why, when it runs, and one batch of it. */
export interface CleanupJob {
  name: 'PRICES' | 'TICKERS' | 'OUTBOX' | 'IDEMPOTENCY' | 'ORPHANS' | 'READINGS' | 'BATCHES';
  reason: string;
  /** cron, UTC */
  schedule: string;
  /** Deletes one batch; the runner repeats it until a batch comes back short. */
  batch(em: EntityManager, env: CleanupEnv): Promise<number>;
}
