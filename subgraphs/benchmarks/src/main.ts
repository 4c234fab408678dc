import { runSubgraph } from '@switchyard/kit';
import { benchmarksEnv } from './env.js';
import { startBenchmarks } from './service.js';

runSubgraph('benchmarks', benchmarksEnv, startBenchmarks);
