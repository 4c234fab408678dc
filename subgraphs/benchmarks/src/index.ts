export { startBenchmarks } from './service.js';
export { benchmarksEnv, type BenchmarksEnv } from './env.js';
export { buildBenchmarksSchema } from './schema.js';
export { globalScore, parseWeights, COMPONENTS, type Component } from './benchmark/score.js';
