import { z } from '@switchyard/kit';

export const symbol = z
  .string()
  .regex(/^[A-Z][A-Z0-9.-]{0,9}$/, 'must match ^[A-Z][A-Z0-9.\\-]{0,9}$ (e.g. AAPL, BRK.B)');

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A look-back window such as 15m, 24h or 7d (at most 14 days, the price retention). */
export const window = z
  .string()
  .regex(/^[1-9]\d{0,4}[mhd]$/, 'must look like 15m, 24h or 7d')
  .transform((w) => Number(w.slice(0, -1)) * UNIT_MS[w.at(-1) as keyof typeof UNIT_MS])
  .refine((ms) => ms <= 14 * UNIT_MS.d, 'must be at most 14d');
