import { commonEnv, z } from '@switchyard/kit';
import { parseWeights } from './benchmark/score.js';

export const benchmarksEnv = {
  ...commonEnv,
  /** benchmarks' port when run alone. */
  PORT: z.coerce.number().int().min(0).max(65535).default(4003),
  /** Weights of the global score; missing components' weights are shared out over the others. */
  SCORE_WEIGHTS: z
    .string()
    .default('cpu=0.30,mem=0.20,disk=0.25,net=0.15,gpu=0.10')
    .transform((value, ctx) => {
      try {
        return parseWeights(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** Where document bytes are kept (one file per SHA-256); defaults to DATA_DIR/documents. */
  STORAGE_DIR: z.string().optional(),
  /** The largest document accepted. */
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(20 * 1024 * 1024),
  /** How long an upload URL works. */
  UPLOAD_TTL_SEC: z.coerce.number().int().min(1).default(900),
  /** The gateway's public address, for upload and download URLs; else taken from forwarded headers. */
  PUBLIC_URL: z.url().optional(),
};

export type BenchmarksEnv = z.infer<z.ZodObject<typeof benchmarksEnv>>;
