import type { SubgraphPackage } from '@switchyard/kit';
import { startBenchmarks } from './service.js';
import { benchmarksEnv } from './env.js';
export { startBenchmarks } from './service.js';
export { benchmarksEnv, type BenchmarksEnv } from './env.js';
export { buildBenchmarksSchema } from './schema.js';
export { globalScore, parseWeights, COMPONENTS, type Component } from './benchmark/score.js';

/** For whoever runs subgraphs from the registry (supergraph.yaml). */
export const service = { env: benchmarksEnv, start: startBenchmarks } satisfies SubgraphPackage<typeof benchmarksEnv>;
