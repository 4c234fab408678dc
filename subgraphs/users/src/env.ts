import { commonEnv, z } from '@switchyard/kit';

export const usersEnv = {
  ...commonEnv,
  PORT: z.coerce.number().int().min(0).max(65535).default(4001),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  /** Seconds between checks that a subscriber's session is still valid (besides each delivery). */
  SUBSCRIPTION_RECHECK_SEC: z.coerce.number().min(0.1).default(60),
};

export type UsersEnv = z.infer<z.ZodObject<typeof usersEnv>>;
