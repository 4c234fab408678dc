import { commonEnv, z } from '@switchyard/kit';

export const sensorsEnv = {
  ...commonEnv,
  /** sensors' port when run alone. */
  PORT: z.coerce.number().int().min(0).max(65535).default(4006),
};

export type SensorsEnv = z.infer<z.ZodObject<typeof sensorsEnv>>;
