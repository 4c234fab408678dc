import { commonEnv, z } from '@switchyard/kit';

export const usersEnv = {
  ...commonEnv,
  /** users' port when run alone. */
  PORT: z.coerce.number().int().min(0).max(65535).default(4001),
  /** The first admin (an existing account with it is promoted); without ADMIN_*, development makes admin@switchyard.local with a password printed once. */
  ADMIN_EMAIL: z.email().optional(),
  /** The first admin's password (at least 10 characters). */
  ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  /** How long a user token lives (API tokens live until revoked). */
  JWT_TTL: z
    .string()
    .regex(/^\d+[smhd]$/, 'must look like 15m, 1h or 7d')
    .default('1h'),
};

export type UsersEnv = z.infer<z.ZodObject<typeof usersEnv>>;
