import type { BenchmarksContext } from '../context.js';

export const references = {
  Device: {
    __resolveReference: (ref: { id: string }, ctx: BenchmarksContext) => ctx.loaders.device.load(ref.id),
  },
  Benchmark: {
    __resolveReference: (ref: { id: string }, ctx: BenchmarksContext) => ctx.loaders.benchmark.load(ref.id),
  },
};
