import { commonEnv, z } from '@switchyard/kit';

export const sessionsEnv = {
  ...commonEnv,
  /** sessions' port when run alone. */
  PORT: z.coerce.number().int().min(0).max(65535).default(4002),
};

export type SessionsEnv = z.infer<z.ZodObject<typeof sessionsEnv>>;
