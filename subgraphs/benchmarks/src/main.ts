// First: tracing (when configured) must patch modules before anything loads them.
import '@switchyard/kit/telemetry';
import { runService } from '@switchyard/kit';
import { benchmarksEnv } from './env.js';
import { startBenchmarks } from './service.js';

runService('benchmarks', benchmarksEnv, startBenchmarks);
