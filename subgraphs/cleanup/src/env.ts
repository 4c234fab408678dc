import { commonEnv, z } from '@switchyard/kit';

export const cleanupEnv = {
  ...commonEnv,
  /** cleanup' port when run alone. */
  PORT: z.coerce.number().int().min(0).max(65535).default(4005),
  /** Rows per delete statement: a large backlog goes in many short transactions, never one long lock. */
  CLEANUP_BATCH: z.coerce.number().int().min(1).default(5000),
  /** Whether this process runs the scheduled jobs (any number may; each run happens once). Each retention task's own settings (PRICE_RETENTION_DAYS...) are read from this process's environment too. */
  CLEANUP_WORKER: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
};

export type CleanupEnv = z.infer<z.ZodObject<typeof cleanupEnv>>;
