import { z } from '@switchyard/kit';
import { symbol } from '../ticker/ticker.inputs.js';

const threshold = z.number().finite().nonnegative('must not be negative');

export const WatchArgs = z
  .object({ symbol, high: threshold, low: threshold })
  .refine((w) => w.high > w.low, { message: 'must be greater than low', path: ['high'] });

export const UnwatchArgs = z.object({ symbol });
