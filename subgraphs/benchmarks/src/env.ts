import { commonEnv, flag, z } from '@switchyard/kit';
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
  /**
   * Where document bytes are kept without S3_BUCKET (one file per SHA-256); defaults to
   * DATA_DIR/documents. Replicas must share it (one volume), or use S3_BUCKET.
   */
  STORAGE_DIR: z.string().optional(),
  /** Documents go to this bucket of an S3-compatible object store when set (shared by every replica), not STORAGE_DIR. */
  S3_BUCKET: z.string().min(3).optional(),
  /** With S3_BUCKET: object keys start with this, so the bucket can hold more than documents. */
  S3_PREFIX: z.string().default('documents/'),
  /** With S3_BUCKET: the store's URL for MinIO, Ceph, R2 and other S3-compatible servers; unset: AWS S3 in S3_REGION. */
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** With S3_BUCKET: the bucket's region. */
  S3_REGION: z.string().default('us-east-1'),
  /** With S3_BUCKET: `endpoint/bucket/key` URLs rather than `bucket.endpoint/key` (default: true when S3_ENDPOINT is set). */
  S3_FORCE_PATH_STYLE: flag.optional(),
  /** With S3_BUCKET: an access key; unset: the AWS SDK's default chain (AWS_* variables, web identity, instance role). */
  S3_ACCESS_KEY_ID: z.string().optional(),
  /** With S3_ACCESS_KEY_ID: its secret. */
  S3_SECRET_ACCESS_KEY: z.string().optional(),
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
