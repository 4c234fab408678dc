import { commonEnv, z } from '@switchyard/kit';

export const sensorsEnv = {
  ...commonEnv,
  PORT: z.coerce.number().int().min(0).max(65535).default(4006),
  /** Seconds between checks that a live subscriber's session is still valid. */
  SUBSCRIPTION_RECHECK_SEC: z.coerce.number().min(0.1).default(60),
};

export type SensorsEnv = z.infer<z.ZodObject<typeof sensorsEnv>>;
