import { commonEnv, z } from '@switchyard/kit';

export const cleanupEnv = {
  ...commonEnv,
  /** cleanup' port when run alone. */
  PORT: z.coerce.number().int().min(0).max(65535).default(4005),
  /** How long prices are kept. */
  PRICE_RETENTION_DAYS: z.coerce.number().min(0).default(14),
  /** How long mail sent or given up is kept. */
  OUTBOX_RETENTION_DAYS: z.coerce.number().min(0).default(30),
  /** Raw sensor readings are kept this long; their minute and hour rollups stay. */
  READING_RETENTION_DAYS: z.coerce.number().min(0).default(30),
  /** ingestReadings batch ids are remembered (a resend answered, not stored again) this long. */
  BATCH_RETENTION_DAYS: z.coerce.number().min(0).default(7),
  /** Rows per delete statement: a large backlog goes in many short transactions, never one long lock. */
  CLEANUP_BATCH: z.coerce.number().int().min(1).default(5000),
  /** Whether this process runs the scheduled jobs (any number may; each run happens once). */
  CLEANUP_WORKER: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
};

export type CleanupEnv = z.infer<z.ZodObject<typeof cleanupEnv>>;
