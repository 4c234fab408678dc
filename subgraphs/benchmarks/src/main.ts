import { runService } from '@switchyard/kit';
import { benchmarksEnv } from './env.js';
import { startBenchmarks } from './service.js';

runService('benchmarks', benchmarksEnv, startBenchmarks);
