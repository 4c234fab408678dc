// First: tracing (when configured) must patch modules before anything loads them.
import '@switchyard/kit/telemetry';
import { runService } from '@switchyard/kit';
import { cleanupEnv } from './env.js';
import { startCleanup } from './service.js';

runService('cleanup', cleanupEnv, startCleanup);
